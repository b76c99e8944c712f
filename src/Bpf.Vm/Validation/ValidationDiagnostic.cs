namespace Bpf.Vm;

/// <summary>One reason a program is rejected.</summary>
/// <param name="Kind">The rule that failed.</param>
/// <param name="InstructionIndex">The 0-based index of the offending instruction, or -1 when the whole program is at fault (empty, too long).</param>
/// <param name="Message">A one-line explanation naming the instruction.</param>
public sealed record ValidationDiagnostic(ValidationErrorKind Kind, int InstructionIndex, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
