namespace Bpf.Verification.Smt;

/// <summary>
/// How to start an SMT-LIB 2 solver that reads commands on standard input: the verifier speaks
/// only standard SMT-LIB text to it, so any such solver (z3, cvc5) can stand in.
/// </summary>
public sealed record SmtSolverOptions
{
    /// <summary>Debian's <c>z3</c> (4.8.x): <c>z3 -in</c>.</summary>
    public static SmtSolverOptions Z3 { get; } = new();

    /// <summary>cvc5 in incremental mode, reading SMT-LIB 2 on standard input.</summary>
    public static SmtSolverOptions Cvc5 { get; } = new()
    {
        Command = "cvc5",
        Arguments = ["--lang=smt2", "--incremental"],
        TimeoutOption = "tlimit-per",
    };

    /// <summary>The executable, looked up on PATH when it has no directory part.</summary>
    public string Command { get; init; } = "z3";

    /// <summary>Arguments that make the solver read commands from standard input.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = ["-in"];

    /// <summary>The solver's per-check time limit option in milliseconds (z3: <c>timeout</c>, cvc5: <c>tlimit-per</c>).</summary>
    public string TimeoutOption { get; init; } = "timeout";
}
