namespace Bpf.Verification.Smt;

/// <summary>A solver's answer to <c>(check-sat)</c>.</summary>
public enum SatResult
{
    /// <summary><c>sat</c>: the assertions have a model.</summary>
    Sat,
    /// <summary><c>unsat</c>: they have none.</summary>
    Unsat,
    /// <summary><c>unknown</c>: the solver gave up (usually its time limit).</summary>
    Unknown,
}
