using System.Collections.Concurrent;
using System.Text;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>What one expression did under both compilers, at -O and -O0.</summary>
/// <param name="Failure">Null when we behave like libpcap; otherwise what differs.</param>
/// <param name="BothCompiled">Both compilers produced a program at -O.</param>
/// <param name="OursOptimized">Our -O instruction count (0 when not compiled).</param>
/// <param name="LibpcapOptimized">libpcap's -O instruction count (0 when not compiled).</param>
/// <param name="IdenticalOptimized">The -O programs are instruction-identical.</param>
/// <param name="IdenticalUnoptimized">The -O0 programs are instruction-identical.</param>
/// <param name="Messages">When both reject at -O: libpcap's error message and ours.</param>
internal sealed record Outcome(string? Failure, bool BothCompiled, int OursOptimized, int LibpcapOptimized, bool IdenticalOptimized, bool IdenticalUnoptimized,
    (string? Libpcap, string? Ours)? Messages = null);

/// <summary>
/// Compiles an expression with us and with libpcap (-O and -O0) and runs every resulting program
/// with libpcap's own bpf_filter over the same packets, so the verdict does not depend on our VM.
/// Each compatibility mode has its oracle: the development head for <see cref="LibpcapCompatibility.Head"/>,
/// the system's libpcap 1.10.3 for <see cref="LibpcapCompatibility.V1_10"/>.
/// </summary>
internal static class DifferentialRunner
{
    public const int Snaplen = 262144;
    public const uint Netmask = 0xffffff00;
    private static readonly ConcurrentDictionary<(LibpcapCompatibility, string, string), Outcome> s_cache = new();

    /// <summary>The libpcap that is the oracle of a mode, or null (with <see cref="UnavailableReason"/>).</summary>
    public static LibpcapBuild? Oracle(LibpcapCompatibility mode) =>
        mode == LibpcapCompatibility.Head ? LibpcapBuild.Head : LibpcapBuild.System;

    /// <summary>Why a mode's oracle is missing.</summary>
    public static string? UnavailableReason(LibpcapCompatibility mode) =>
        mode == LibpcapCompatibility.Head ? LibpcapBuild.HeadUnavailableReason : LibpcapBuild.SystemUnavailableReason;

    /// <summary>The 1.10 mode against the system libpcap (the suite's historical default).</summary>
    public static Outcome Run(string linkTypeName, string expression) => Run(LibpcapCompatibility.V1_10, linkTypeName, expression);

    public static Outcome Run(LibpcapCompatibility mode, string linkTypeName, string expression) =>
        s_cache.GetOrAdd((mode, linkTypeName, expression), k => Compute(k.Item1, LinkTypes.Parse(k.Item2), k.Item3));

    private static (Instruction[]? Program, string? Error) Ours(LibpcapCompatibility mode, LinkType linkType, string expression, bool optimize)
    {
        try
        {
            var options = new CompilerOptions { Optimize = optimize, Netmask = Netmask, Compatibility = mode };
            return (FilterCompiler.Compile(expression, linkType, Snaplen, options).ToArray(), null);
        }
        catch (FilterCompileException e)
        {
            return (null, e.Message);
        }
    }

    private static Outcome Compute(LibpcapCompatibility mode, LinkType linkType, string expression)
    {
        var oracle = Oracle(mode) ?? throw new InvalidOperationException(UnavailableReason(mode));
        var theirsO = oracle.Compile(linkType, Snaplen, expression, true, out var theirErrO, Netmask);
        var theirs0 = oracle.Compile(linkType, Snaplen, expression, false, out var theirErr0, Netmask);
        (Instruction[]? Program, string? Error) oursO, ours0;
        try
        {
            oursO = Ours(mode, linkType, expression, true);
            ours0 = Ours(mode, linkType, expression, false);
        }
        catch (Exception e)
        {
            return new Outcome($"our compiler crashed: {e.GetType().Name}: {e.Message}", false, 0, 0, false, false);
        }
        var failure = Verdict(oracle, "-O", theirsO, theirErrO, oursO) ?? Verdict(oracle, "-O0", theirs0, theirErr0, ours0);
        if (failure == null)
        {
            var programs = new[] { theirsO, theirs0, oursO.Program, ours0.Program }.OfType<Instruction[]>().ToList();
            var bases = PacketSets.Base(linkType);
            var packets = bases.Concat(Mutations.For(programs, bases)).ToList();
            failure = SameResults(oracle, "-O", theirsO, oursO.Program, packets, mode == LibpcapCompatibility.Head ? theirs0 : null) ?? SameResults(oracle, "-O0", theirs0, ours0.Program, packets, null);
        }
        return new Outcome(failure, theirsO != null && oursO.Program != null, oursO.Program?.Length ?? 0, theirsO?.Length ?? 0,
            Same(theirsO, oursO.Program), Same(theirs0, ours0.Program),
            theirsO == null && oursO.Program == null ? (theirErrO, oursO.Error) : null);
    }

    private static bool Same(Instruction[]? a, Instruction[]? b) => a != null && b != null && a.AsSpan().SequenceEqual(b);

    private static string? Verdict(LibpcapBuild oracle, string level, Instruction[]? theirs, string? theirError, (Instruction[]? Program, string? Error) ours)
    {
        if (theirs == null && ours.Program != null)
            return $"{level}: libpcap rejects ({theirError}) but we compile";
        if (theirs != null && ours.Program == null)
            return $"{level}: we reject ({ours.Error}) but libpcap compiles";
        if (ours.Program != null && !oracle.Validate(ours.Program))
            return $"{level}: our program fails bpf_validate\n{Dump(ours.Program)}";
        return null;
    }

    /// <summary>
    /// Our program returns what the oracle's returns on every packet. In the default mode, where the
    /// head's optimized program disagrees with its own unoptimized one (<paramref name="unoptimized"/>),
    /// ours may give the unoptimized answer instead: the head's optimizer has a defect there (its
    /// `vxlan and ip6` skips the store its inner-header load reads and rejects every such packet), or
    /// it drops a load that would end a truncated packet, as 1.10.3's does in other places. The 1.10
    /// mode's programs are 1.10.3's instruction for instruction, so no such allowance is made there.
    /// </summary>
    private static string? SameResults(LibpcapBuild oracle, string level, Instruction[]? theirs, Instruction[]? ours, List<TestPacket> packets,
        Instruction[]? unoptimized)
    {
        if (theirs == null || ours == null)
            return null;
        foreach (var p in packets)
        {
            var expected = oracle.Filter(theirs, p.Data, p.WireLength);
            var actual = oracle.Filter(ours, p.Data, p.WireLength);
            if (expected != actual && (unoptimized == null || oracle.Filter(unoptimized, p.Data, p.WireLength) != actual))
                return $"{level}: libpcap returns {expected}, we return {actual} for packet (wire {p.WireLength}) " +
                    $"{Convert.ToHexString(p.Data.AsSpan(0, Math.Min(p.Data.Length, 96)))}\nlibpcap:\n{Dump(theirs)}ours:\n{Dump(ours)}";
        }
        return null;
    }

    private static string Dump(Instruction[] program)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < program.Length; i++)
            sb.AppendLine($"  ({i:000}) {program[i]}");
        return sb.ToString();
    }
}
