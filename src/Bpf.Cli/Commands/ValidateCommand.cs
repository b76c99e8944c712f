using System.CommandLine;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf validate [--profile libpcap|kernel] PROG</c>: checks a program is safe to run.</summary>
internal sealed class ValidateCommand : IVerb
{
    private readonly Option<string?> _profile = CliOptions.Choice("--profile",
        "Whose rules: libpcap's bpf_validate, or the Linux kernel's stricter bpf_check_classic (forward jumps only, scratch written before read, at most 4096 instructions).",
        "libpcap", "libpcap", "kernel");

    private readonly Argument<string> _program = new("PROG") { Description = "A program file in tcpdump -d, -dd or -ddd form; - reads standard input." };

    public ValidateCommand() =>
        Definition = new Command("validate", "Checks that a program is safe to run; prints each problem with its instruction index (exit 1 when invalid).") { _profile, _program };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var profile = parse.GetValue(_profile) == "kernel" ? ValidationProfile.Kernel : ValidationProfile.Libpcap;
        var path = parse.GetValue(_program)!;
        var program = ProgramFiles.Load(path, context);
        var result = BpfValidator.Validate(program, profile);
        if (result.IsValid)
        {
            context.Out.WriteLine($"valid: {program.Count} instructions ({profile} profile)");
            // libpcap's bpf_validate passes programs its own bpf_filter cannot run: the answer stays
            // libpcap's, and says so (filter, bench and capture refuse such a program).
            if (profile == ValidationProfile.Libpcap && BpfValidator.Validate(program, ValidationProfile.Runnable) is { IsValid: false } runnable)
                context.Error.WriteLine($"bpf validate: {path}: libpcap passes it, but it cannot run: {runnable.Diagnostics[0].Message}");
            return Program.ExitOk;
        }
        // Each message names its instruction already.
        foreach (var diagnostic in result.Diagnostics)
            context.Error.WriteLine($"bpf validate: {path}: {diagnostic.Message}");
        return Program.ExitInput;
    }
}
