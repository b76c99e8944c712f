using Bpf.Testing;

namespace Bpf.Verification.Tests;

/// <summary>Verifiers for the tests (z3, a generous time limit: the machine is shared).</summary>
internal static class Z3
{
    public static string? MissingReason => Z3Solver.MissingReason;

    public static BpfVerifier Verifier(TimeSpan? timeout = null, uint maxCaptureLength = 262144) =>
        new(new VerifierOptions { Timeout = timeout ?? TimeSpan.FromSeconds(60), MaxCaptureLength = maxCaptureLength });
}
