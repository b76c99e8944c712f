using Bpf.Compiler.Tests.Differential;
using Bpf.Testing;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Compiler.Tests.Properties;

/// <summary>
/// Random Ethernet expressions: we reject exactly what libpcap rejects, and our programs return what
/// libpcap's return, unoptimized and optimized, on corpus, random and mutated packets.
/// </summary>
public class RandomExpressionTests
{
    private const int Snaplen = DifferentialRunner.Snaplen;
    private const uint Netmask = DifferentialRunner.Netmask;

    private static readonly LinkType[] s_otherLinkTypes =
    [
        LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.PPP, LinkType.C_HDLC, LinkType.SLIP,
        LinkType.IEEE802_11, LinkType.IEEE802_11_RADIO, LinkType.PRISM_HEADER, LinkType.PPI, LinkType.FDDI, LinkType.IEEE802,
        LinkType.FRELAY, LinkType.SUNATM, LinkType.MTP2, LinkType.ARCNET_LINUX, LinkType.PFLOG, LinkType.IPNET, LinkType.IPV6,
    ];

    private static Instruction[]? Ours(string expression, bool optimize, out string? error) => Ours(LinkType.EN10MB, expression, optimize, out error);

    private static Instruction[]? Ours(LinkType linkType, string expression, bool optimize, out string? error)
    {
        try
        {
            error = null;
            return FilterCompiler.Compile(expression, linkType, Snaplen, new CompilerOptions { Optimize = optimize, Netmask = Netmask, Compatibility = LibpcapCompatibility.V1_10 }).ToArray();
        }
        catch (FilterCompileException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static bool SameAsLibpcap(string expression, bool optimize) => SameAsLibpcap(LinkType.EN10MB, expression, optimize);

    private static bool SameAsLibpcap(LinkType linkType, string expression, bool optimize)
    {
        var theirs = Libpcap.Compile(linkType, Snaplen, expression, optimize, out var theirError, Netmask);
        var ours = Ours(linkType, expression, optimize, out var ourError);
        if (theirs == null || ours == null)
            return (theirs == null) == (ours == null) || Fail($"{linkType} {expression}", optimize, $"libpcap: {theirError ?? "ok"}, ours: {ourError ?? "ok"}");
        var bases = PacketSets.Base(linkType);
        foreach (var p in bases.Concat(Mutations.For([theirs, ours], bases)))
            if (Libpcap.Filter(theirs, p.Data, p.WireLength) != Libpcap.Filter(ours, p.Data, p.WireLength))
                return Fail($"{linkType} {expression}", optimize, $"different result on {Convert.ToHexString(p.Data)}");
        return true;
    }

    private static bool Fail(string expression, bool optimize, string why) =>
        throw new Xunit.Sdk.XunitException($"'{expression}' ({(optimize ? "-O" : "-O0")}): {why}");

    [LibpcapProperty(MaxTest = 300)]
    public Property Unoptimized_BehavesLikeLibpcap() =>
        Prop.ForAll(ExpressionGen.Expressions.ToArbitrary(), e => SameAsLibpcap(e, optimize: false));

    [LibpcapProperty(MaxTest = 300)]
    public Property Optimized_BehavesLikeLibpcap() =>
        Prop.ForAll(ExpressionGen.Expressions.ToArbitrary(), e => SameAsLibpcap(e, optimize: true));

    /// <summary>The same grammar (plus link-specific primitives) on other link types, -O and -O0.</summary>
    [LibpcapProperty(MaxTest = 400)]
    public Property OtherLinkTypes_BehaveLikeLibpcap() =>
        Prop.ForAll((from lt in Gen.Elements(s_otherLinkTypes) from e in ExpressionGen.Expressions select (lt, e)).ToArbitrary(),
            c => SameAsLibpcap(c.lt, c.e, optimize: false) && SameAsLibpcap(c.lt, c.e, optimize: true));

    /// <summary>
    /// Our optimizer never changes what a program returns, except where libpcap's own optimizer
    /// does too (it drops loads whose value is known, so short packets may then be accepted).
    /// </summary>
    [LibpcapProperty(MaxTest = 300)]
    public Property Optimized_EqualsUnoptimized_WhereLibpcapsDo() =>
        Prop.ForAll(ExpressionGen.Expressions.ToArbitrary(), expression =>
        {
            var optimized = Ours(expression, true, out _);
            var plain = Ours(expression, false, out _);
            if (optimized == null || plain == null)
                return true;
            var theirsO = Libpcap.Compile(LinkType.EN10MB, Snaplen, expression, true, out _, Netmask);
            var theirs0 = Libpcap.Compile(LinkType.EN10MB, Snaplen, expression, false, out _, Netmask);
            var bases = PacketSets.Base(LinkType.EN10MB);
            foreach (var p in bases.Concat(Mutations.For([optimized, plain], bases)))
            {
                var libpcapAgrees = theirsO == null || theirs0 == null
                    || Libpcap.Filter(theirsO, p.Data, p.WireLength) == Libpcap.Filter(theirs0, p.Data, p.WireLength);
                if (libpcapAgrees && Libpcap.Filter(optimized, p.Data, p.WireLength) != Libpcap.Filter(plain, p.Data, p.WireLength))
                    return Fail(expression, true, $"-O and -O0 differ on {Convert.ToHexString(p.Data)}");
            }
            return true;
        });
}
