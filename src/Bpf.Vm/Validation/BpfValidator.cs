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
        // A valid program (every compile's, which the compiler validates as a safety net) is answered by
        // a check that allocates nothing, and gets its profile's one shared result.
        if (profile == ValidationProfile.Libpcap && LibpcapRules.IsValid(program.AsSpan()))
            return s_valid[(int)profile];
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
        return diagnostics.Count == 0 ? s_valid[(int)profile] : new ValidationResult(profile, diagnostics);
    }

    // The one result of each profile for a valid program (immutable, so shared).
    private static readonly ValidationResult[] s_valid = CreateValidResults();

    private static ValidationResult[] CreateValidResults()
    {
        var profiles = Enum.GetValues<ValidationProfile>();
        var results = new ValidationResult[profiles.Max(p => (int)p) + 1];
        foreach (var profile in profiles)
            results[(int)profile] = new ValidationResult(profile, Array.Empty<ValidationDiagnostic>());
        return results;
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
