using Bpf.Verification.Smt;

namespace Bpf.Verification;

/// <summary>Options of <see cref="BpfVerifier"/>.</summary>
public sealed record VerifierOptions
{
    /// <summary>The defaults: 30 s per question, captures up to 262144 bytes, ancillary loads as free inputs, z3.</summary>
    public static VerifierOptions Default { get; } = new();

    /// <summary>How long one question (an equivalence, or all the packets of one witness search) may take; then the answer is unknown.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest captured length a packet may have (the snapshot length of the capture it would come from).</summary>
    public uint MaxCaptureLength { get; init; } = 262144;

    /// <summary>How Linux ancillary loads are modeled.</summary>
    public AncillaryLoads Ancillary { get; init; } = AncillaryLoads.FreeInputs;

    /// <summary>The SMT-LIB 2 solver to start.</summary>
    public SmtSolverOptions Solver { get; init; } = SmtSolverOptions.Z3;
}
