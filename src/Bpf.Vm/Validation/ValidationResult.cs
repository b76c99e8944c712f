namespace Bpf.Vm;

/// <summary>The outcome of <see cref="BpfValidator.Validate"/>: valid, or the diagnostics saying why not.</summary>
public sealed class ValidationResult
{
    internal ValidationResult(ValidationProfile profile, IReadOnlyList<ValidationDiagnostic> diagnostics)
    {
        Profile = profile;
        Diagnostics = diagnostics;
    }

    /// <summary>The profile the program was checked against.</summary>
    public ValidationProfile Profile { get; }

    /// <summary>Every rejection found, in instruction order; empty when the program is valid.</summary>
    public IReadOnlyList<ValidationDiagnostic> Diagnostics { get; }

    /// <summary>True when the profile accepts the program.</summary>
    public bool IsValid => Diagnostics.Count == 0;
}
