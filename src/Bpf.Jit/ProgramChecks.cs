namespace Bpf.Jit;

/// <summary>
/// The one validation pass before compiling: libpcap's <c>bpf_validate</c> rules
/// (<see cref="ValidationProfile.Libpcap"/>, which lets protochain's backward <c>ja</c> through), plus
/// the rule every engine adds: each opcode must be one <c>bpf_filter</c> executes (libpcap's validator
/// checks classes and modes only, and its interpreter aborts on the rest).
/// </summary>
internal static class ProgramChecks
{
    /// <summary>Throws when <paramref name="program"/> is not valid.</summary>
    /// <exception cref="BpfValidationException">The program breaks a validation rule.</exception>
    public static void Validate(BpfProgram program)
    {
        BpfValidator.ThrowIfInvalid(program, ValidationProfile.Libpcap);
        for (var i = 0; i < program.Count; i++)
        {
            var code = program[i].Code;
            if (!ExecutableOpcodes.Contains(code))
                throw new BpfValidationException([new ValidationDiagnostic(ValidationErrorKind.UnknownOpcode, i,
                    $"instruction {i}: opcode 0x{code:x} is not one bpf_filter executes")]);
        }
    }
}
