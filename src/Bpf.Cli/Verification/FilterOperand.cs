using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Cli.Verification;

/// <summary>One filter given to <c>bpf equiv</c> or <c>bpf witness</c>: an expression, or a program file (<c>--program FILE</c>).</summary>
internal sealed record FilterOperand(string Text, bool IsProgramFile)
{
    /// <summary>
    /// The program to verify. An expression compiles for <paramref name="linkType"/>; one the optimizer
    /// refuses as rejecting every packet (<c>ip and ip6</c>) is taken unoptimized, so the solver, not the
    /// optimizer, answers for it.
    /// </summary>
    /// <exception cref="FilterCompileException">The expression is invalid for the link type.</exception>
    /// <exception cref="InputException">The program file cannot be read or parsed.</exception>
    public BpfProgram Load(LinkType linkType, int snaplen, CompilerOptions options, CliContext context)
    {
        if (IsProgramFile)
            return ProgramFiles.Load(Text, context);
        try
        {
            return FilterCompiler.Compile(Text, linkType, snaplen, options);
        }
        catch (FilterCompileException e) when (e.Kind == FilterErrorKind.RejectsAllPackets && options.Optimize)
        {
            return FilterCompiler.Compile(Text, linkType, snaplen, options with { Optimize = false });
        }
    }
}

/// <summary>What both verification verbs share: link type, snapshot length, libpcap mode, solver time.</summary>
internal sealed record VerificationSettings(LinkType LinkType, int Snaplen, LibpcapCompatibility Compatibility, TimeSpan Timeout)
{
    public const int ExitDifferent = 3;
    public const int ExitUnknown = 4;

    public CompilerOptions CompilerOptions => new() { Compatibility = Compatibility };

    public Bpf.Verification.VerifierOptions VerifierOptions => new()
    {
        Timeout = Timeout,
        MaxCaptureLength = (uint)Snaplen,
        Solver = Solver,
    };

    /// <summary>
    /// z3 unless <c>BPF_SMT_SOLVER</c> names another: <c>cvc5</c>, or a path to a z3 binary
    /// (any solver that reads SMT-LIB 2 with <c>-in</c>).
    /// </summary>
    private static Bpf.Verification.Smt.SmtSolverOptions Solver => Environment.GetEnvironmentVariable("BPF_SMT_SOLVER") switch
    {
        null or "" => Bpf.Verification.Smt.SmtSolverOptions.Z3,
        "cvc5" => Bpf.Verification.Smt.SmtSolverOptions.Cvc5,
        { } command => Bpf.Verification.Smt.SmtSolverOptions.Z3 with { Command = command },
    };
}
