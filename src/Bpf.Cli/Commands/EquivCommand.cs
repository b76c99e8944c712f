using System.CommandLine;
using System.CommandLine.Parsing;
using Bpf.Cli.Verification;
using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf equiv</c>: the argument layer over <see cref="EquivVerb"/>.</summary>
internal sealed class EquivCommand : IVerb
{
    private readonly VerificationOptions _common = new();

    private readonly Option<string[]> _linkTypes = new("-y")
    {
        Description = "The data link type both filters are compiled for (default EN10MB); given twice, A's then B's, which must agree.",
        HelpName = "LINKTYPE",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<string[]> _programs = new("--program")
    {
        Description = "A program file (tcpdump -d, -dd or -ddd form) in place of an expression, as A or B by its position.",
        HelpName = "FILE",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Argument<string[]> _expressions = new("FILTER")
    {
        Description = "The two filters, A and B: pcap-filter expressions (quote each one), or --program FILE in either place.",
        Arity = new ArgumentArity(0, 2),
    };

    public EquivCommand()
    {
        Definition = new Command("equiv",
            "Proves two filters return the same value on every packet, or prints the shortest packet that tells them apart " +
            "(checked in the interpreter): 'equivalent' (exit 0), 'different' + packet + verdicts (exit 3), 'unknown' (exit 4).")
        {
            _linkTypes, _programs, _expressions,
        };
        _common.AddTo(Definition);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var operands = Operands(parse);
        if (operands.Count != 2)
            throw new UsageException("expected two filters, each an expression or --program FILE");
        var linkTypes = parse.GetValue(_linkTypes) ?? [];
        if (linkTypes.Length > 2)
            throw new UsageException("-y: give one link type for both filters, or one for each");
        var settings = _common.Settings(parse, linkTypes.Length > 0 ? linkTypes[0] : null);
        LinkType? linkTypeB = linkTypes.Length == 2 ? VerificationOptions.LinkType(linkTypes[1]) : null;
        return EquivVerb.Run(operands[0], operands[1], linkTypeB, settings, context);
    }

    // Expressions and --program files in the order given: "--program a.txt 'tcp'" makes the file A.
    private List<FilterOperand> Operands(ParseResult parse)
    {
        var files = new Queue<string>(parse.GetValue(_programs) ?? []);
        var expressions = new Queue<string>(parse.GetValue(_expressions) ?? []);
        var result = new List<FilterOperand>();
        var programTokens = parse.GetResult(_programs)?.Tokens ?? [];
        var expressionTokens = parse.GetResult(_expressions)?.Tokens ?? [];
        foreach (var token in parse.Tokens)
        {
            if (files.Count > 0 && programTokens.Any(t => ReferenceEquals(t, token)))
                result.Add(new FilterOperand(files.Dequeue(), IsProgramFile: true));
            else if (expressions.Count > 0 && expressionTokens.Any(t => ReferenceEquals(t, token)))
                result.Add(new FilterOperand(expressions.Dequeue(), IsProgramFile: false));
        }
        return result;
    }
}

/// <summary>The options <c>equiv</c> and <c>witness</c> share: snapshot length, libpcap mode, solver time limit.</summary>
internal sealed class VerificationOptions
{
    private readonly Option<long> _snaplen = CliOptions.Number("-s", "SNAPLEN",
        "The snapshot length: the programs return it on accept and packets are at most this long (0: 262144), as tcpdump -s.",
        CompileCommand.DefaultSnaplen, 0, int.MaxValue);

    private readonly Option<string?> _libpcap = CliOptions.Choice("--libpcap",
        "Compile expressions as libpcap's development head does, or as libpcap 1.10.", "head", "head", "1.10");

    private readonly Option<TimeSpan?> _timeout = CliOptions.Duration("--timeout",
        "How long the solver may work before the answer is 'unknown' (exit 4). Default: 30 s.");

    public void AddTo(Command command)
    {
        command.Options.Add(_snaplen);
        command.Options.Add(_libpcap);
        command.Options.Add(_timeout);
    }

    public VerificationSettings Settings(ParseResult parse, string? linkType)
    {
        var snaplen = (int)parse.GetValue(_snaplen);
        var compatibility = parse.GetValue(_libpcap) == "1.10" ? LibpcapCompatibility.V1_10 : LibpcapCompatibility.Head;
        return new VerificationSettings(LinkType(linkType ?? "EN10MB"), snaplen == 0 ? CompileCommand.DefaultSnaplen : snaplen, compatibility,
            parse.GetValue(_timeout) ?? TimeSpan.FromSeconds(30));
    }

    /// <exception cref="InputException">Not a link type name or number.</exception>
    public static LinkType LinkType(string text) =>
        LinkTypes.TryParse(text, out var linkType) ? linkType : throw new InputException($"unknown data link type '{text}'");
}
