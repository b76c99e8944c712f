namespace Bpf.Vm;

/// <summary>
/// Checks a program against libpcap's or Linux's acceptance rules, or what an engine can run, before any
/// engine runs it; engines then rely on the program's validity (every jump lands inside it, every scratch
/// index is below 16, every opcode is one they execute): see <see cref="RunnableProgram"/>.
/// </summary>
public static class BpfValidator
{
    /// <summary>Checks <paramref name="program"/> and returns every problem found.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="profile"/> is not a <see cref="ValidationProfile"/>.</exception>
    public static ValidationResult Validate(BpfProgram program, ValidationProfile profile)
    {
        ArgumentNullException.ThrowIfNull(program);
        var diagnostics = new List<ValidationDiagnostic>();
        switch (profile)
        {
            case ValidationProfile.Libpcap:
                LibpcapRules.Check(program.AsSpan(), diagnostics);
                break;
            case ValidationProfile.Kernel:
                KernelRules.Check(program.AsSpan(), diagnostics);
                break;
            case ValidationProfile.Runnable:
                RunnableRules.Check(program.AsSpan(), diagnostics);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(profile), profile, "unknown validation profile");
        }
        return new ValidationResult(profile, diagnostics);
    }

    /// <summary>Throws when <paramref name="profile"/> rejects <paramref name="program"/>.</summary>
    /// <exception cref="BpfValidationException">The program is invalid; carries the first problem's kind and instruction index.</exception>
    public static void ThrowIfInvalid(BpfProgram program, ValidationProfile profile)
    {
        var result = Validate(program, profile);
        if (!result.IsValid)
            throw new BpfValidationException(result.Diagnostics);
    }

    /// <summary>A diagnostic naming instruction <paramref name="index"/> as the listing prints it.</summary>
    internal static ValidationDiagnostic At(ValidationErrorKind kind, int index, Instruction insn, string reason)
    {
        var (op, operand) = InstructionImage.Describe(insn, index);
        var text = operand.Length > 0 ? $"{op} {operand}" : op;
        return new ValidationDiagnostic(kind, index, $"instruction {index} ({text}): {reason}");
    }
}
