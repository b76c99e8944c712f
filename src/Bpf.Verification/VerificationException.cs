namespace Bpf.Verification;

/// <summary>What went wrong when a question could not be put to the solver or answered.</summary>
public enum VerificationErrorKind
{
    /// <summary>The solver executable (e.g. <c>z3</c>) is not installed or cannot be started.</summary>
    SolverMissing,
    /// <summary>The solver answered with an error or stopped talking.</summary>
    SolverFailed,
    /// <summary>The program is not valid classic BPF (libpcap's rules).</summary>
    InvalidProgram,
    /// <summary>The program jumps backward (a <c>protochain</c> loop): only loop-free programs become one formula.</summary>
    LoopNotSupported,
    /// <summary>The two filters were built for different link types.</summary>
    LinkTypeMismatch,
    /// <summary>A packet the solver produced did not give the claimed verdicts in the interpreter (a verifier bug).</summary>
    UnconfirmedModel,
}

/// <summary>A verification that cannot be carried out; <see cref="Kind"/> says why in one word, the message in one line.</summary>
public sealed class VerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public VerificationException(VerificationErrorKind kind, string message, Exception? inner = null)
        : base(message, inner) => Kind = kind;

    /// <summary>Why the verification failed.</summary>
    public VerificationErrorKind Kind { get; }
}
