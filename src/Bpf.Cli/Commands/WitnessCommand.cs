using System.CommandLine;
using Bpf.Cli.Verification;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf witness</c>: the argument layer over <see cref="WitnessVerb"/>.</summary>
internal sealed class WitnessCommand : IVerb
{
    private readonly VerificationOptions _common = new();

    private readonly Option<string?> _linkType = CliOptions.Text("-y", "LINKTYPE", "The data link type to compile for (EN10MB, LINUX_SLL, RAW...). Default: EN10MB.");

    private readonly Option<bool> _reject = CliOptions.Flag("--reject", "Find packets the filter rejects instead of packets it accepts.");

    private readonly Option<long> _count = CliOptions.Number("-c", "N", "How many distinct packets to find.", 1, 1, 100_000);

    private readonly Option<string?> _write = CliOptions.Text("-w", "FILE", "Also write the packets as a pcap file of the link type (- for standard output; the packet lines then go to standard error).");

    private readonly Option<string?> _program = CliOptions.Text("--program", "FILE", "A program file (tcpdump -d, -dd or -ddd form) in place of an expression.");

    private readonly Argument<string[]> _expression = CliOptions.Expression();

    public WitnessCommand()
    {
        Definition = new Command("witness",
            "Prints packets the filter accepts (or rejects), each checked in the interpreter: one 'packet HEX wirelen N' line each; " +
            "'none' (exit 3) when no packet can be, 'unknown' (exit 4) when the solver gives up first.")
        {
            _linkType, _reject, _count, _write, _program, _expression,
        };
        _common.AddTo(Definition);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var words = parse.GetValue(_expression) ?? [];
        var program = parse.GetValue(_program);
        if ((program is null) == (words.Length == 0))
            throw new UsageException("expected an expression or --program FILE");
        var filter = program is not null ? new FilterOperand(program, IsProgramFile: true) : new FilterOperand(string.Join(' ', words), IsProgramFile: false);
        return WitnessVerb.Run(filter, parse.GetValue(_reject), (int)parse.GetValue(_count), parse.GetValue(_write),
            _common.Settings(parse, parse.GetValue(_linkType)), context);
    }
}
