namespace Bpf.Verification.Smt;

/// <summary>
/// An incremental SMT-LIB 2 solver session. The verifier writes standard SMT-LIB commands and reads
/// answers, nothing else, so a solver is swappable behind this text interface.
/// </summary>
public interface ISmtSolver : IDisposable
{
    /// <summary>Sends commands that produce no answer (declarations, assertions, push/pop).</summary>
    /// <exception cref="VerificationException">The solver process died.</exception>
    void Send(string commands);

    /// <summary>Runs <c>(check-sat)</c> with a time limit; <see cref="SatResult.Unknown"/> when it runs out.</summary>
    /// <exception cref="VerificationException">The solver reported an error or died.</exception>
    SatResult CheckSat(TimeSpan timeout);

    /// <summary>Runs <c>(get-value (terms...))</c> after a <see cref="SatResult.Sat"/> answer and returns one value text per term.</summary>
    /// <exception cref="VerificationException">The solver reported an error or died.</exception>
    IReadOnlyList<string> GetValues(IReadOnlyList<string> terms);
}
