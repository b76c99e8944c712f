using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// Hand-built syntax trees paired with the expression text libpcap compiles, so code generation can
/// be checked against libpcap before (and independently of) the parser.
/// </summary>
internal static class AstCases
{
    private static Qualifiers Q(ProtoQualifier p = ProtoQualifier.Default, DirQualifier d = DirQualifier.Default, AddrQualifier a = AddrQualifier.Default) => new(p, d, a);
    private static ConstantArith C(uint v) => new(v, 0);
    private static LoadArith L(ProtoQualifier p, uint index, uint size = 1) => new(p, C(index), size, 0);
    private static Relation Rel(RelationTest t, bool reversed, ArithExpression a, ArithExpression b) => new(t, reversed, a, b, 0);
    private static AndExpression And(FilterExpression a, FilterExpression b) => new(a, b, 0);
    private static OrExpression Or(FilterExpression a, FilterExpression b) => new(a, b, 0);
    private static NotExpression Not(FilterExpression a) => new(a, 0);
    private static ProtoAbbreviation P(ProtoQualifier p) => new(p, 0);

    private static readonly (string, ProtoQualifier)[] s_abbreviations =
    [
        ("ip", ProtoQualifier.IP), ("ip6", ProtoQualifier.IPv6), ("arp", ProtoQualifier.Arp), ("rarp", ProtoQualifier.Rarp),
        ("tcp", ProtoQualifier.Tcp), ("udp", ProtoQualifier.Udp), ("sctp", ProtoQualifier.Sctp), ("icmp", ProtoQualifier.Icmp),
        ("icmp6", ProtoQualifier.Icmpv6), ("igmp", ProtoQualifier.Igmp), ("igrp", ProtoQualifier.Igrp), ("pim", ProtoQualifier.Pim),
        ("vrrp", ProtoQualifier.Vrrp), ("carp", ProtoQualifier.Carp), ("ah", ProtoQualifier.Ah), ("esp", ProtoQualifier.Esp),
        ("atalk", ProtoQualifier.Atalk), ("aarp", ProtoQualifier.Aarp), ("decnet", ProtoQualifier.Decnet), ("lat", ProtoQualifier.Lat),
        ("sca", ProtoQualifier.Sca), ("moprc", ProtoQualifier.Moprc), ("mopdl", ProtoQualifier.Mopdl), ("iso", ProtoQualifier.Iso),
        ("esis", ProtoQualifier.Esis), ("isis", ProtoQualifier.Isis), ("clnp", ProtoQualifier.Clnp), ("stp", ProtoQualifier.Stp),
        ("ipx", ProtoQualifier.Ipx), ("netbeui", ProtoQualifier.Netbeui), ("l1", ProtoQualifier.IsisL1), ("l2", ProtoQualifier.IsisL2),
        ("iih", ProtoQualifier.IsisIih), ("lsp", ProtoQualifier.IsisLsp), ("snp", ProtoQualifier.IsisSnp), ("csnp", ProtoQualifier.IsisCsnp),
        ("psnp", ProtoQualifier.IsisPsnp),
    ];

    public static IEnumerable<(string Text, FilterExpression Ast)> All()
    {
        foreach (var (text, q) in s_abbreviations)
            yield return (text, P(q));
        yield return ("host 10.0.0.1", new HostId(Q(a: AddrQualifier.Host), "10.0.0.1", 0));
        yield return ("src host 10.0.0.1", new HostId(Q(d: DirQualifier.Src, a: AddrQualifier.Host), "10.0.0.1", 0));
        yield return ("ip dst host 10.0.0.1", new HostId(Q(ProtoQualifier.IP, DirQualifier.Dst, AddrQualifier.Host), "10.0.0.1", 0));
        yield return ("arp src and dst host 1.2.3.4", new HostId(Q(ProtoQualifier.Arp, DirQualifier.And, AddrQualifier.Host), "1.2.3.4", 0));
        yield return ("net 192.168", new HostId(Q(a: AddrQualifier.Net), "192.168", 0));
        yield return ("net 10", new NumberId(Q(a: AddrQualifier.Net), 10, 0));
        yield return ("net 10.0.0.0/8", new MaskedHostId(Q(a: AddrQualifier.Net), "10.0.0.0", null, 8, 0));
        yield return ("src net 10.0.0.0 mask 255.0.0.0", new MaskedHostId(Q(d: DirQualifier.Src, a: AddrQualifier.Net), "10.0.0.0", "255.0.0.0", 0, 0));
        yield return ("net 10.0.0.1/8", new MaskedHostId(Q(a: AddrQualifier.Net), "10.0.0.1", null, 8, 0));
        yield return ("port 80", new NumberId(Q(a: AddrQualifier.Port), 80, 0));
        yield return ("tcp port 80", new NumberId(Q(ProtoQualifier.Tcp, a: AddrQualifier.Port), 80, 0));
        yield return ("udp dst port 53", new NumberId(Q(ProtoQualifier.Udp, DirQualifier.Dst, AddrQualifier.Port), 53, 0));
        yield return ("sctp src or dst port 9", new NumberId(Q(ProtoQualifier.Sctp, DirQualifier.Or, AddrQualifier.Port), 9, 0));
        yield return ("port 70000", new NumberId(Q(a: AddrQualifier.Port), 70000, 0));
        yield return ("ip port 80", new NumberId(Q(ProtoQualifier.IP, a: AddrQualifier.Port), 80, 0));
        yield return ("portrange 1-1024", new NameId(Q(a: AddrQualifier.PortRange), "1-1024", 0));
        yield return ("tcp src portrange 20-10", new NameId(Q(ProtoQualifier.Tcp, DirQualifier.Src, AddrQualifier.PortRange), "20-10", 0));
        yield return ("udp portrange 7", new NumberId(Q(ProtoQualifier.Udp, a: AddrQualifier.PortRange), 7, 0));
        yield return ("ip proto 6", new NumberId(Q(ProtoQualifier.IP, a: AddrQualifier.Proto), 6, 0));
        yield return ("ip6 proto 17", new NumberId(Q(ProtoQualifier.IPv6, a: AddrQualifier.Proto), 17, 0));
        yield return ("proto 47", new NumberId(Q(a: AddrQualifier.Proto), 47, 0));
        yield return ("ether proto 0x800", new NumberId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), 0x800, 0));
        yield return ("ether proto 0x42", new NumberId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), 0x42, 0));
        yield return ("iso proto 0x83", new NumberId(Q(ProtoQualifier.Iso, a: AddrQualifier.Proto), 0x83, 0));
        yield return ("isis proto 20", new NumberId(Q(ProtoQualifier.Isis, a: AddrQualifier.Proto), 20, 0));
        yield return ("tcp proto 1", new NumberId(Q(ProtoQualifier.Tcp, a: AddrQualifier.Proto), 1, 0));
        yield return ("ether host 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.Link, a: AddrQualifier.Host), "01:02:03:04:05:06", 0));
        yield return ("ether src 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.Link, DirQualifier.Src), "01:02:03:04:05:06", 0));
        yield return ("ether dst 0102.0304.0506", new MacId(Q(ProtoQualifier.Link, DirQualifier.Dst), "0102.0304.0506", 0));
        yield return ("ether broadcast", new BroadcastExpression(ProtoQualifier.Link, 0));
        yield return ("broadcast", new BroadcastExpression(ProtoQualifier.Default, 0));
        yield return ("multicast", new MulticastExpression(ProtoQualifier.Default, 0));
        yield return ("ip multicast", new MulticastExpression(ProtoQualifier.IP, 0));
        yield return ("ip6 multicast", new MulticastExpression(ProtoQualifier.IPv6, 0));
        yield return ("ip broadcast", new BroadcastExpression(ProtoQualifier.IP, 0));
        yield return ("less 100", new LessExpression(100, 0));
        yield return ("greater 100", new GreaterExpression(100, 0));
        yield return ("len > 100", Rel(RelationTest.Greater, false, new LengthArith(0), C(100)));
        yield return ("len <= 100", Rel(RelationTest.Greater, true, new LengthArith(0), C(100)));
        yield return ("ip[0] & 0xf != 5", Rel(RelationTest.Equal, true, new BinaryArith(ArithOperator.And, L(ProtoQualifier.IP, 0), C(0xf), 0), C(5)));
        yield return ("tcp[13] = 2", Rel(RelationTest.Equal, false, L(ProtoQualifier.Tcp, 13), C(2)));
        yield return ("udp[8:2] >= 0x1234", Rel(RelationTest.GreaterOrEqual, false, L(ProtoQualifier.Udp, 8, 2), C(0x1234)));
        yield return ("icmp[0] < 8", Rel(RelationTest.GreaterOrEqual, true, L(ProtoQualifier.Icmp, 0), C(8)));
        yield return ("icmp6[0] = 128", Rel(RelationTest.Equal, false, L(ProtoQualifier.Icmpv6, 0), C(128)));
        yield return ("ip6[6] = 17", Rel(RelationTest.Equal, false, L(ProtoQualifier.IPv6, 6), C(17)));
        yield return ("ether[0] & 1 = 1", Rel(RelationTest.Equal, false, new BinaryArith(ArithOperator.And, L(ProtoQualifier.Link, 0), C(1), 0), C(1)));
        yield return ("arp[6:2] = 1", Rel(RelationTest.Equal, false, L(ProtoQualifier.Arp, 6, 2), C(1)));
        yield return ("ether[12:4] = 1", Rel(RelationTest.Equal, false, L(ProtoQualifier.Link, 12, 4), C(1)));
        yield return ("ip[tcp[0]] = 1", Rel(RelationTest.Equal, false, new LoadArith(ProtoQualifier.IP, L(ProtoQualifier.Tcp, 0), 1, 0), C(1)));
        yield return ("len - 4 > 2 * 3 + -1", Rel(RelationTest.Greater, false,
            new BinaryArith(ArithOperator.Subtract, new LengthArith(0), C(4), 0),
            new BinaryArith(ArithOperator.Add, new BinaryArith(ArithOperator.Multiply, C(2), C(3), 0), new NegateArith(C(1), 0), 0)));
        yield return ("ip[0] / 0 = 1", Rel(RelationTest.Equal, false, new BinaryArith(ArithOperator.Divide, L(ProtoQualifier.IP, 0), C(0), 0), C(1)));
        yield return ("ip[0] << 32 = 1", Rel(RelationTest.Equal, false, new BinaryArith(ArithOperator.LeftShift, L(ProtoQualifier.IP, 0), C(32), 0), C(1)));
        yield return ("ip[0:3] = 1", Rel(RelationTest.Equal, false, L(ProtoQualifier.IP, 0, 3), C(1)));
        yield return ("radio[0] = 1", Rel(RelationTest.Equal, false, L(ProtoQualifier.Radio, 0), C(1)));
        yield return ("vlan", new VlanExpression(null, 0));
        yield return ("vlan 100", new VlanExpression(100, 0));
        yield return ("vlan and vlan 200", And(new VlanExpression(null, 0), new VlanExpression(200, 0)));
        yield return ("vlan 10 and ip", And(new VlanExpression(10, 0), P(ProtoQualifier.IP)));
        yield return ("mpls", new MplsExpression(null, 0));
        yield return ("mpls 100 and ip", And(new MplsExpression(100, 0), P(ProtoQualifier.IP)));
        yield return ("mpls and mpls 5 and host 1.2.3.4", And(And(new MplsExpression(null, 0), new MplsExpression(5, 0)),
            new HostId(Q(a: AddrQualifier.Host), "1.2.3.4", 0)));
        yield return ("pppoed", new PppoedExpression(0));
        yield return ("pppoes", new PppoesExpression(null, 0));
        yield return ("pppoes 1 and ip", And(new PppoesExpression(1, 0), P(ProtoQualifier.IP)));
        yield return ("geneve", new GeneveExpression(null, 0));
        yield return ("geneve 5 and ip", And(new GeneveExpression(5, 0), P(ProtoQualifier.IP)));
        yield return ("not ip", Not(P(ProtoQualifier.IP)));
        yield return ("ip and tcp", And(P(ProtoQualifier.IP), P(ProtoQualifier.Tcp)));
        yield return ("tcp or udp", Or(P(ProtoQualifier.Tcp), P(ProtoQualifier.Udp)));
        yield return ("not (tcp or udp) and not icmp", And(Not(Or(P(ProtoQualifier.Tcp), P(ProtoQualifier.Udp))), Not(P(ProtoQualifier.Icmp))));
        yield return ("host 10.0.0.1 and port 80", And(new HostId(Q(a: AddrQualifier.Host), "10.0.0.1", 0), new NumberId(Q(a: AddrQualifier.Port), 80, 0)));
        yield return ("ip6 host ::1", new Ipv6Id(Q(ProtoQualifier.IPv6, a: AddrQualifier.Host), "::1", 128, 0));
        yield return ("net fe80::/10", new Ipv6Id(Q(a: AddrQualifier.Net), "fe80::", 10, 0));
        yield return ("src host fe80::1:2", new Ipv6Id(Q(d: DirQualifier.Src, a: AddrQualifier.Host), "fe80::1:2", 128, 0));
        yield return ("tcp host ::1", new Ipv6Id(Q(ProtoQualifier.Tcp, a: AddrQualifier.Host), "::1", 128, 0));
        yield return ("protochain 6", new NumberId(Q(a: AddrQualifier.Protochain), 6, 0));
        yield return ("ip6 protochain 17", new NumberId(Q(ProtoQualifier.IPv6, a: AddrQualifier.Protochain), 17, 0));
        yield return ("llc", new LlcExpression(0));
        yield return ("llc i", new LlcIFrameExpression(0));
        yield return ("llc u", new LlcUFrameExpression(0));
        yield return ("llc rr", new LlcSSubtypeExpression(0x01, 0));
        yield return ("llc ui", new LlcUSubtypeExpression(0x03, 0));
        yield return ("inbound", new InboundExpression(false, 0));
        yield return ("outbound", new InboundExpression(true, 0));
        yield return ("ifindex 3", new IfIndexExpression(3, 0));
        yield return ("byte 3 & 0x10", new ByteExpression(ByteOperator.And, 3, 0x10, 0));
        yield return ("decnet host 1.2", new HostId(Q(ProtoQualifier.Decnet, a: AddrQualifier.Host), "1.2", 0));
        yield return ("type data", new Ieee80211TypeExpression(0x08, 0x0c, 0));
        yield return ("dir tods", new Ieee80211DirExpression(1, 0));
        yield return ("wlan addr2 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.Link, DirQualifier.Addr2), "01:02:03:04:05:06", 0));
        yield return ("wlan ta 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.Link, DirQualifier.Ta), "01:02:03:04:05:06", 0));
        yield return ("ether host 01:02:03:04:05:06 and ip", And(new MacId(Q(ProtoQualifier.Link, a: AddrQualifier.Host), "01:02:03:04:05:06", 0), P(ProtoQualifier.IP)));
        yield return ("vpi 1", new AtmFieldExpression(AtmField.Vpi, 1, RelationTest.Equal, false, 0));
        yield return ("lane and ip", And(new AtmTypeExpression(AtmAbbreviation.Lane, 0), P(ProtoQualifier.IP)));
        yield return ("oam", new AtmMultiTypeExpression(AtmAbbreviation.Oam, 0));
        yield return ("connectmsg", new AtmMultiTypeExpression(AtmAbbreviation.ConnectMsg, 0));
        yield return ("fisu", new Mtp2TypeExpression(Mtp2Type.Fisu, 0));
        yield return ("hlssu", new Mtp2TypeExpression(Mtp2Type.HsLssu, 0));
        yield return ("opc 300", new Mtp3FieldExpression(Mtp3Field.Opc, 300, RelationTest.Equal, false, 0));
        yield return ("hdpc > 10", new Mtp3FieldExpression(Mtp3Field.HsDpc, 10, RelationTest.Greater, false, 0));
        yield return ("on eth0", new PfIfNameExpression("eth0", 0));
        yield return ("rnr 3", new PfRuleNumberExpression(3, 0));
        yield return ("action pass", new PfActionExpression(0, 0));
        yield return ("link host $1f", new ArcnetId(Q(ProtoQualifier.Link, a: AddrQualifier.Host), "$1f", 0));
    }
}
