using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf validate [--profile libpcap|kernel] PROG</c>: checks a program is safe to run.</summary>
internal sealed class ValidateCommand : ICommand
{
    public string Name => "validate";

    public string Usage => "validate [--profile libpcap|kernel] PROG";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["--profile"], []);
        if (reader.Operands.Count != 1)
            throw new UsageException("expected one program file (- for standard input)");
        var profile = reader.Choice("--profile", "libpcap", "libpcap", "kernel") == "kernel"
            ? ValidationProfile.Kernel
            : ValidationProfile.Libpcap;
        var path = reader.Operands[0];
        var program = ProgramFiles.Load(path, context);
        var result = BpfValidator.Validate(program, profile);
        if (result.IsValid)
        {
            context.Out.WriteLine($"valid: {program.Count} instructions ({profile} profile)");
            return Program.ExitOk;
        }
        foreach (var diagnostic in result.Diagnostics)
            context.Error.WriteLine($"bpf validate: {path}: instruction {diagnostic.InstructionIndex}: {diagnostic.Message}");
        return Program.ExitInput;
    }
}
