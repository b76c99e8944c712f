using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// Random qualifier combinations on every kind of id, valid or not: we compile exactly what libpcap
/// compiles (same program) and reject what it rejects (same message), and never fail any other way.
/// </summary>
public class QualifierCombinationTests
{
    private static readonly (string, ProtoQualifier)[] s_protos = Enum.GetValues<ProtoQualifier>()
        .Where(p => p != ProtoQualifier.Undefined)
        .Select(p => (p == ProtoQualifier.Default ? "" : (p == ProtoQualifier.Link ? "ether" : QualifierNames.Keyword(p)) + " ", p)).ToArray();

    private static readonly (string, DirQualifier)[] s_dirs =
    [
        ("", DirQualifier.Default), ("src ", DirQualifier.Src), ("dst ", DirQualifier.Dst), ("src or dst ", DirQualifier.Or),
        ("src and dst ", DirQualifier.And), ("addr1 ", DirQualifier.Addr1), ("addr2 ", DirQualifier.Addr2), ("addr3 ", DirQualifier.Addr3),
        ("addr4 ", DirQualifier.Addr4), ("ra ", DirQualifier.Ra), ("ta ", DirQualifier.Ta),
    ];

    private static readonly (string, AddrQualifier)[] s_addrs =
    [
        ("", AddrQualifier.Default), ("host ", AddrQualifier.Host), ("net ", AddrQualifier.Net), ("port ", AddrQualifier.Port),
        ("portrange ", AddrQualifier.PortRange), ("gateway ", AddrQualifier.Gateway), ("proto ", AddrQualifier.Proto),
        ("protochain ", AddrQualifier.Protochain),
    ];

    private static readonly Func<Qualifiers, (string, FilterExpression)>[] s_ids =
    [
        q => ("6", new NumberId(q, 6, 0)),
        q => ("70000", new NumberId(q, 70000, 0)),
        q => ("10.1.2.3", new HostId(q, "10.1.2.3", 0)),
        q => ("10.1", new HostId(q, "10.1", 0)),
        q => ("10.0.0.0/8", new MaskedHostId(q, "10.0.0.0", null, 8, 0)),
        q => ("::1", new Ipv6Id(q, "::1", 128, 0)),
        q => ("fe80::/10", new Ipv6Id(q, "fe80::", 10, 0)),
        q => ("01:02:03:04:05:06", new MacId(q, "01:02:03:04:05:06", 0)),
        q => ("ftp", new NameId(q, "ftp", 0)),
        q => ("localhost", new NameId(q, "localhost", 0)),
        q => ("nosuchname", new NameId(q, "nosuchname", 0)),
        q => ("20-30", new NameId(q, "20-30", 0)),
    ];

    public static TheoryData<string, int> Runs() => new()
    {
        { "EN10MB", 1 }, { "LINUX_SLL", 2 }, { "RAW", 3 }, { "IEEE802_11_RADIO", 4 }, { "FDDI", 5 }, { "ARCNET", 6 },
        { "PPP", 7 }, { "C_HDLC", 8 }, { "FRELAY", 9 }, { "SUNATM", 10 }, { "IPNET", 11 }, { "MTP2", 12 },
    };

    [LibpcapTheory]
    [MemberData(nameof(Runs))]
    public void RandomQualifiers_AgreeWithLibpcap(string linkTypeName, int seed)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var r = new Random(seed);
        var failures = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var (pt, p) = s_protos[r.Next(s_protos.Length)];
            var (dt, d) = s_dirs[r.Next(s_dirs.Length)];
            var (at, a) = s_addrs[r.Next(s_addrs.Length)];
            var (idText, ast) = s_ids[r.Next(s_ids.Length)](new Qualifiers(p, d, a));
            var text = $"{pt}{dt}{at}{idText}";
            if (text == idText)
                continue; // a bare id is a parse error in libpcap
            if (ast is HostId && a is AddrQualifier.Port or AddrQualifier.PortRange or AddrQualifier.Proto or AddrQualifier.Protochain)
                continue; // the grammar itself rejects these ("'port' modifier applied to ip host")
            if (ast is NameId { Name: not "localhost" } && a is AddrQualifier.Default or AddrQualifier.Host)
                continue; // an unknown host name would make libpcap ask DNS: slow and machine-dependent
            string? failure;
            try
            {
                failure = CodeGeneratorLibpcapTests.Compare(linkType, text, ast);
            }
            catch (Exception e) when (e is not FilterCompileException)
            {
                failure = $"{text}: {e.GetType().Name}: {e.Message}";
            }
            if (failure != null && !failure.Contains("can't parse", StringComparison.Ordinal)
                && !failure.Contains("syntax error", StringComparison.Ordinal))
                failures.Add(failure);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n" + string.Join("\n", failures.Take(8)));
    }
}
