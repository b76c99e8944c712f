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
internal sealed class CompileCommand : ICommand
{
    public const int DefaultSnaplen = 262144;

    public string Name => "compile";

    public string Usage => "compile [-y LINKTYPE] [-s SNAPLEN] [-O0] [--libpcap head|1.10] [-d|-dd|-ddd] EXPRESSION | compile --batch [-O0] [--libpcap head|1.10]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-y", "-s", LibpcapChoice.Option], ["-O0", "-d", "-dd", "-ddd", "--batch"]);
        var options = new CompilerOptions { Optimize = !reader.Has("-O0"), Compatibility = LibpcapChoice.Parse(reader.Value(LibpcapChoice.Option)) };
        if (reader.Has("--batch"))
        {
            if (reader.Operands.Count != 0 || reader.Value("-y") is not null || reader.Value("-s") is not null)
                throw new UsageException("--batch reads LINKTYPE<TAB>SNAPLEN<TAB>EXPRESSION lines from standard input; it takes no other arguments");
            RunBatch(context, options);
            return Program.ExitOk;
        }
        if (reader.Operands.Count == 0)
            throw new UsageException("expected an expression");
        var linkType = ParseLinkType(reader.Value("-y") ?? "EN10MB") ?? throw new InputException($"unknown data link type '{reader.Value("-y")}'");
        var snaplen = (int)reader.Number("-s", DefaultSnaplen, 0, int.MaxValue);
        var expression = string.Join(' ', reader.Operands);
        var format = DumpFormats.FromFlags(reader) ?? DumpFormat.Listing;
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
