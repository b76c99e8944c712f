using System.CommandLine;
using System.Globalization;
using System.Text;
using Bpf.Compiler;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf compile</c>: a managed <c>tcpdump -d</c>. With <c>--batch</c>, compiles one
/// <c>LINKTYPE&lt;TAB&gt;SNAPLEN&lt;TAB&gt;EXPRESSION</c> line at a time from standard input and answers
/// each with exactly one line, <c>ok&lt;TAB&gt;N,code jt jf k,...</c> or <c>error&lt;TAB&gt;message</c>.
/// </summary>
internal sealed class CompileCommand : IVerb
{
    public const int DefaultSnaplen = 262144;

    private readonly Option<string?> _linkType = CliOptions.Text("-y", "LINKTYPE", "The data link type to compile for, by name (EN10MB, LINUX_SLL, RAW...) as tcpdump -y takes it. Default: EN10MB.");

    private readonly Option<long> _snaplen = CliOptions.Number("-s", "SNAPLEN", "The snapshot length the program returns on accept (0: 262144), as tcpdump -s.", DefaultSnaplen, 0, int.MaxValue);

    private readonly Option<bool> _noOptimize = CliOptions.NoOptimize();

    private readonly DumpFormatOptions _format = new();

    private readonly Option<bool> _batch = CliOptions.Flag("--batch",
        "Read LINKTYPE<TAB>SNAPLEN<TAB>EXPRESSION lines from standard input and answer each with one line: ok<TAB>N,code jt jf k,... or error<TAB>message.");

    private readonly Argument<string[]> _expression = CliOptions.Expression();

    public CompileCommand()
    {
        Definition = new Command("compile", "Compiles an expression to classic BPF and prints it as tcpdump -d, -dd or -ddd does.")
        {
            _linkType, _snaplen, _noOptimize, _batch, _expression,
        };
        foreach (var option in _format.All)
            Definition.Options.Add(option);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var options = new CompilerOptions { Optimize = !parse.GetValue(_noOptimize) };
        var words = parse.GetValue(_expression) ?? [];
        if (parse.GetValue(_batch))
        {
            if (words.Length != 0 || parse.GetResult(_linkType) is not null || parse.GetResult(_snaplen) is { Implicit: false })
                throw new UsageException("--batch reads LINKTYPE<TAB>SNAPLEN<TAB>EXPRESSION lines from standard input; it takes no other arguments");
            RunBatch(context, options);
            return Program.ExitOk;
        }
        if (words.Length == 0)
            throw new UsageException("expected an expression");
        var linkTypeName = parse.GetValue(_linkType) ?? "EN10MB";
        var linkType = ParseLinkType(linkTypeName) ?? throw new InputException($"unknown data link type '{linkTypeName}'");
        var snaplen = (int)parse.GetValue(_snaplen);
        var expression = string.Join(' ', words);
        var format = _format.From(parse) ?? DumpFormat.Listing;
        var program = FilterCompiler.Compile(expression, linkType, snaplen == 0 ? DefaultSnaplen : snaplen, options);
        context.Out.Write(BpfText.Format(program, format));
        return Program.ExitOk;
    }

    private static void RunBatch(CliContext context, CompilerOptions options)
    {
        while (context.In.ReadLine() is { } line)
        {
            context.Out.WriteLine(CompileBatchLine(line, options));
            // Tools drive this interactively, one line in, one line out: never hold an answer back.
            context.Out.Flush();
        }
    }

    /// <summary>The answer line for one batch input line (never throws for bad input).</summary>
    internal static string CompileBatchLine(string line, CompilerOptions options)
    {
        var fields = line.Split('\t', 3);
        if (fields.Length != 3)
            return "error\texpected LINKTYPE<TAB>SNAPLEN<TAB>EXPRESSION";
        if (ParseLinkType(fields[0]) is not { } linkType)
            return $"error\tunknown data link type '{OneLine(fields[0])}'";
        if (!int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var snaplen))
            return $"error\tinvalid snaplen '{OneLine(fields[1])}'";
        try
        {
            var program = FilterCompiler.Compile(fields[2], linkType, snaplen == 0 ? DefaultSnaplen : snaplen, options);
            var text = new StringBuilder("ok\t").Append(program.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var insn in program)
                text.Append(CultureInfo.InvariantCulture, $",{insn.Code} {insn.Jt} {insn.Jf} {insn.K}");
            return text.ToString();
        }
        catch (FilterCompileException e)
        {
            return $"error\t{OneLine(e.Message)}";
        }
    }

    private static LinkType? ParseLinkType(string text) => LinkTypes.TryParse(text, out var linkType) ? linkType : null;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Replace('\t', ' ');
}
