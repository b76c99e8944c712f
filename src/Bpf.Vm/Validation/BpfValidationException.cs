namespace Bpf.Vm;

/// <summary>A program that a validation profile rejects, thrown by <see cref="BpfValidator.ThrowIfInvalid"/> and engines.</summary>
public sealed class BpfValidationException : Exception
{
    /// <summary>Creates the exception for the first of <paramref name="diagnostics"/>.</summary>
    public BpfValidationException(IReadOnlyList<ValidationDiagnostic> diagnostics)
        : base(diagnostics.Count > 0 ? diagnostics[0].Message : "invalid program")
    {
        ArgumentOutOfRangeException.ThrowIfZero(diagnostics.Count);
        Diagnostics = diagnostics;
    }

    /// <summary>The rule the first problem broke.</summary>
    public ValidationErrorKind Kind => Diagnostics[0].Kind;

    /// <summary>The index of the first offending instruction, or -1 for the whole program.</summary>
    public int InstructionIndex => Diagnostics[0].InstructionIndex;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationDiagnostic> Diagnostics { get; }
}
