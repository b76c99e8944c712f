using Bpf.Cli.Verification;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf witness</c>: the argument layer over <see cref="WitnessVerb"/>.</summary>
internal sealed class WitnessCommand : ICommand
{
    public string Name => "witness";

    public string Usage => "witness [-y LINKTYPE] [-s SNAPLEN] [--libpcap head|1.10] [--timeout S] [--reject] [-c N] [-w FILE] (EXPRESSION | --program FILE)";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-y", "-s", "--libpcap", "--timeout", "-c", "-w", "--program"], ["--reject"]);
        var program = reader.Value("--program");
        if ((program is null) == (reader.Operands.Count == 0))
            throw new UsageException("expected an expression or --program FILE");
        var filter = program is not null ? new FilterOperand(program, IsProgramFile: true) : new FilterOperand(string.Join(' ', reader.Operands), IsProgramFile: false);
        var count = (int)reader.Number("-c", 1, 1, 100_000);
        return WitnessVerb.Run(filter, reader.Has("--reject"), count, reader.Value("-w"), VerificationArguments.Settings(reader, reader.Value("-y")), context);
    }
}
