using Bpf.Compiler;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Verification.FsCheck;

/// <summary>
/// FsCheck generators of packets a filter accepts or rejects, for users' own property tests
/// ("my parser handles every packet <c>tcp port 443</c> lets through"). The packets come from the
/// verifier's witness search: a pool of distinct packets, each proved by the solver and re-run in
/// the interpreter, found once when the generator is made; the generator then draws from the pool.
/// </summary>
/// <example>
/// <code>
/// [Property]
/// public Property Parser_HandlesEveryAcceptedPacket() =>
///     Prop.ForAll(FilterPackets.Accepted("tcp dst port 443").ToArbitrary(),
///         packet => MyParser.TryParse(packet.Data.AsSpan(), out _));
/// </code>
/// </example>
public static class FilterPackets
{
    /// <summary>The pool size when none is given: enough variety for a default 100-run property.</summary>
    public const int DefaultPoolSize = 32;

    /// <summary>Packets <paramref name="expression"/>, compiled for <paramref name="linkType"/>, accepts.</summary>
    /// <exception cref="FilterCompileException">The expression does not compile.</exception>
    /// <exception cref="ArgumentException">No packet is accepted (e.g. <c>ip and ip6</c>).</exception>
    /// <exception cref="VerificationException">The solver is missing, failed, or found no packet in time.</exception>
    public static Gen<VerificationPacket> Accepted(string expression, LinkType linkType = LinkType.EN10MB, int poolSize = DefaultPoolSize, VerifierOptions? options = null) =>
        Accepted(Compile(expression, linkType), poolSize, options);

    /// <summary>Packets <paramref name="expression"/>, compiled for <paramref name="linkType"/>, rejects.</summary>
    /// <exception cref="FilterCompileException">The expression does not compile.</exception>
    /// <exception cref="ArgumentException">Every packet is accepted (e.g. the empty expression).</exception>
    /// <exception cref="VerificationException">The solver is missing, failed, or found no packet in time.</exception>
    public static Gen<VerificationPacket> Rejected(string expression, LinkType linkType = LinkType.EN10MB, int poolSize = DefaultPoolSize, VerifierOptions? options = null) =>
        Rejected(Compile(expression, linkType), poolSize, options);

    /// <summary>Packets <paramref name="program"/> accepts (returns non-zero for).</summary>
    /// <exception cref="ArgumentException">No packet is accepted.</exception>
    /// <exception cref="VerificationException">The program is invalid or loops, or the solver is missing, failed, or found no packet in time.</exception>
    public static Gen<VerificationPacket> Accepted(BpfProgram program, int poolSize = DefaultPoolSize, VerifierOptions? options = null) =>
        Pool(program, accepted: true, poolSize, options);

    /// <summary>Packets <paramref name="program"/> rejects (returns 0 for).</summary>
    /// <exception cref="ArgumentException">Every packet is accepted.</exception>
    /// <exception cref="VerificationException">The program is invalid or loops, or the solver is missing, failed, or found no packet in time.</exception>
    public static Gen<VerificationPacket> Rejected(BpfProgram program, int poolSize = DefaultPoolSize, VerifierOptions? options = null) =>
        Pool(program, accepted: false, poolSize, options);

    private static Gen<VerificationPacket> Pool(BpfProgram program, bool accepted, int poolSize, VerifierOptions? options)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        using var verifier = new BpfVerifier(options);
        var result = verifier.FindPackets(program, accepted, poolSize);
        if (result.Packets.Count == 0)
        {
            if (result.Exhausted)
                throw new ArgumentException($"the filter {(accepted ? "accepts" : "rejects")} no packet", nameof(program));
            throw new VerificationException(VerificationErrorKind.SolverFailed,
                $"the solver found no packet the filter {(accepted ? "accepts" : "rejects")} within {(options ?? VerifierOptions.Default).Timeout.TotalSeconds:0.#} s");
        }
        return Gen.Elements(result.Packets.Select(w => w.Packet).ToArray());
    }

    private static BpfProgram Compile(string expression, LinkType linkType)
    {
        try
        {
            return FilterCompiler.Compile(expression, linkType);
        }
        catch (FilterCompileException e) when (e.Kind == FilterErrorKind.RejectsAllPackets)
        {
            // The optimizer's "rejects all packets": let the solver say it (Accepted throws, Rejected works).
            return FilterCompiler.Compile(expression, linkType, options: new CompilerOptions { Optimize = false });
        }
    }
}
