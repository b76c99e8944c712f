using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>Name-based ids, encapsulations combined with later tests, and error paths.</summary>
internal static class MoreAstCases
{
    private static Qualifiers Q(ProtoQualifier p = ProtoQualifier.Default, DirQualifier d = DirQualifier.Default, AddrQualifier a = AddrQualifier.Default) => new(p, d, a);
    private static ConstantArith C(uint v) => new(v, 0);
    private static LoadArith L(ProtoQualifier p, uint index, uint size = 1) => new(p, C(index), size, 0);
    private static Relation Eq(ArithExpression a, ArithExpression b) => new(RelationTest.Equal, false, a, b, 0);
    private static AndExpression And(FilterExpression a, FilterExpression b) => new(a, b, 0);
    private static OrExpression Or(FilterExpression a, FilterExpression b) => new(a, b, 0);
    private static NotExpression Not(FilterExpression a) => new(a, 0);
    private static ProtoAbbreviation P(ProtoQualifier p) => new(p, 0);
    private static NumberId Port(uint port, ProtoQualifier p = ProtoQualifier.Default, DirQualifier d = DirQualifier.Default) =>
        new(Q(p, d, AddrQualifier.Port), port, 0);

    public static IEnumerable<(string Text, FilterExpression Ast)> All()
    {
        yield return ("host localhost", new NameId(Q(a: AddrQualifier.Host), "localhost", 0));
        yield return ("ip host localhost", new NameId(Q(ProtoQualifier.IP, a: AddrQualifier.Host), "localhost", 0));
        yield return ("ip6 host localhost", new NameId(Q(ProtoQualifier.IPv6, a: AddrQualifier.Host), "localhost", 0));
        yield return ("port ftp", new NameId(Q(a: AddrQualifier.Port), "ftp", 0));
        yield return ("tcp port http", new NameId(Q(ProtoQualifier.Tcp, a: AddrQualifier.Port), "http", 0));
        yield return ("udp port domain", new NameId(Q(ProtoQualifier.Udp, a: AddrQualifier.Port), "domain", 0));
        yield return ("udp port ftp", new NameId(Q(ProtoQualifier.Udp, a: AddrQualifier.Port), "ftp", 0));
        yield return ("port nosuchservice", new NameId(Q(a: AddrQualifier.Port), "nosuchservice", 0));
        yield return ("portrange ftp-data-ftp", new NameId(Q(a: AddrQualifier.PortRange), "ftp-data-ftp", 0));
        yield return ("ip proto \\tcp", new NameId(Q(ProtoQualifier.IP, a: AddrQualifier.Proto), "tcp", 0));
        yield return ("proto \\udp", new NameId(Q(a: AddrQualifier.Proto), "udp", 0));
        yield return ("ip proto nosuch", new NameId(Q(ProtoQualifier.IP, a: AddrQualifier.Proto), "nosuch", 0));
        yield return ("ether proto \\arp", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "arp", 0));
        yield return ("ether proto \\ip6", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "ip6", 0));
        yield return ("ether proto \\stp", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "stp", 0));
        yield return ("ether proto \\ipx", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "ipx", 0));
        yield return ("ether proto \\atalk", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "atalk", 0));
        yield return ("ether proto \\aarp", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "aarp", 0));
        yield return ("ether proto \\netbeui", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "netbeui", 0));
        yield return ("ether proto \\iso", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Proto), "iso", 0));
        yield return ("iso proto \\isis", new NameId(Q(ProtoQualifier.Iso, a: AddrQualifier.Proto), "isis", 0));
        yield return ("ip protochain \\tcp", new NameId(Q(ProtoQualifier.IP, a: AddrQualifier.Protochain), "tcp", 0));
        yield return ("gateway foo", new NameId(Q(a: AddrQualifier.Gateway), "foo", 0));
        yield return ("ether host foo", new NameId(Q(ProtoQualifier.Link, a: AddrQualifier.Host), "foo", 0));
        yield return ("decnet host foo", new NameId(Q(ProtoQualifier.Decnet, a: AddrQualifier.Host), "foo", 0));
        yield return ("tcp src port 80 and tcp dst port 1024", And(Port(80, ProtoQualifier.Tcp, DirQualifier.Src), Port(1024, ProtoQualifier.Tcp, DirQualifier.Dst)));
        yield return ("vlan and tcp port 80", And(new VlanExpression(null, 0), Port(80, ProtoQualifier.Tcp)));
        yield return ("vlan 1 and vlan 2 and host 1.2.3.4", And(And(new VlanExpression(1, 0), new VlanExpression(2, 0)), new HostId(Q(a: AddrQualifier.Host), "1.2.3.4", 0)));
        yield return ("vlan and mpls and ip", And(And(new VlanExpression(null, 0), new MplsExpression(null, 0)), P(ProtoQualifier.IP)));
        yield return ("mpls and vlan", And(new MplsExpression(null, 0), new VlanExpression(null, 0)));
        yield return ("mpls and arp", And(new MplsExpression(null, 0), P(ProtoQualifier.Arp)));
        yield return ("mpls 1048576", new MplsExpression(1048576, 0));
        yield return ("vlan 4096", new VlanExpression(4096, 0));
        yield return ("pppoes and tcp port 22", And(new PppoesExpression(null, 0), Port(22, ProtoQualifier.Tcp)));
        yield return ("pppoes 70000", new PppoesExpression(70000, 0));
        yield return ("pppoes and ip6 and udp[0] = 1", And(And(new PppoesExpression(null, 0), P(ProtoQualifier.IPv6)), Eq(L(ProtoQualifier.Udp, 0), C(1))));
        yield return ("geneve and tcp", And(new GeneveExpression(null, 0), P(ProtoQualifier.Tcp)));
        yield return ("geneve and ether host 01:02:03:04:05:06", And(new GeneveExpression(null, 0), new MacId(Q(ProtoQualifier.Link, a: AddrQualifier.Host), "01:02:03:04:05:06", 0)));
        yield return ("geneve and vlan", And(new GeneveExpression(null, 0), new VlanExpression(null, 0)));
        yield return ("tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", new Relation(RelationTest.Equal, true,
            new BinaryArith(ArithOperator.And, L(ProtoQualifier.Tcp, 13), new BinaryArith(ArithOperator.Or, C(2), C(16), 0), 0), C(0), 0));
        yield return ("ip[2:2] - ((ip[0] & 0xf) << 2) > 40", new Relation(RelationTest.Greater, false,
            new BinaryArith(ArithOperator.Subtract, L(ProtoQualifier.IP, 2, 2),
                new BinaryArith(ArithOperator.LeftShift, new BinaryArith(ArithOperator.And, L(ProtoQualifier.IP, 0), C(0xf), 0), C(2), 0), 0), C(40), 0));
        // '%' and '^' have no precedence in libpcap's grammar, so bison shifts: len % (3 ^ (1 | 4)).
        yield return ("len % 3 ^ 1 | 4 >= len / 2", new Relation(RelationTest.GreaterOrEqual, false,
            new BinaryArith(ArithOperator.Modulo, new LengthArith(0), new BinaryArith(ArithOperator.Xor, C(3), new BinaryArith(ArithOperator.Or, C(1), C(4), 0), 0), 0),
            new BinaryArith(ArithOperator.Divide, new LengthArith(0), C(2), 0), 0));
        yield return ("ip[0] % 0 = 1", Eq(new BinaryArith(ArithOperator.Modulo, L(ProtoQualifier.IP, 0), C(0), 0), C(1)));
        yield return ("ip[0] >> 31 = 0", Eq(new BinaryArith(ArithOperator.RightShift, L(ProtoQualifier.IP, 0), C(31), 0), C(0)));
        yield return ("tcp[0] = udp[0]", Eq(L(ProtoQualifier.Tcp, 0), L(ProtoQualifier.Udp, 0)));
        yield return ("sctp[0] = 1 or pim[0] = 1 or igmp[0] = 1", Or(Or(Eq(L(ProtoQualifier.Sctp, 0), C(1)), Eq(L(ProtoQualifier.Pim, 0), C(1))), Eq(L(ProtoQualifier.Igmp, 0), C(1))));
        yield return ("rarp[0] = 1 and decnet[0] = 2", And(Eq(L(ProtoQualifier.Rarp, 0), C(1)), Eq(L(ProtoQualifier.Decnet, 0), C(2))));
        yield return ("iso[0] = 1", Eq(L(ProtoQualifier.Iso, 0), C(1)));
        yield return ("not host 1.2.3.4 and not port 22", And(Not(new HostId(Q(a: AddrQualifier.Host), "1.2.3.4", 0)), Not(Port(22))));
        yield return ("ether multicast and not ether broadcast", And(new MulticastExpression(ProtoQualifier.Link, 0), Not(new BroadcastExpression(ProtoQualifier.Link, 0))));
        yield return ("tcp broadcast", new BroadcastExpression(ProtoQualifier.Tcp, 0));
        yield return ("arp multicast", new MulticastExpression(ProtoQualifier.Arp, 0));
        yield return ("dst net 10.1.0.0/16 or src net 172.16.0.0/12", Or(new MaskedHostId(Q(d: DirQualifier.Dst, a: AddrQualifier.Net), "10.1.0.0", null, 16, 0),
            new MaskedHostId(Q(d: DirQualifier.Src, a: AddrQualifier.Net), "172.16.0.0", null, 12, 0)));
        yield return ("host 10.0.0.0/8", new MaskedHostId(Q(a: AddrQualifier.Host), "10.0.0.0", null, 8, 0));
        yield return ("net 10.0.0.0/33", new MaskedHostId(Q(a: AddrQualifier.Net), "10.0.0.0", null, 33, 0));
        yield return ("net 0.0.0.0/0", new MaskedHostId(Q(a: AddrQualifier.Net), "0.0.0.0", null, 0, 0));
        yield return ("ip6 net 2001:db8::/32", new Ipv6Id(Q(ProtoQualifier.IPv6, a: AddrQualifier.Net), "2001:db8::", 32, 0));
        yield return ("host 2001:db8::/32", new Ipv6Id(Q(a: AddrQualifier.Host), "2001:db8::", 32, 0));
        yield return ("net 2001:db8::1/32", new Ipv6Id(Q(a: AddrQualifier.Net), "2001:db8::1", 32, 0));
        yield return ("ip6 dst host ::ffff:1.2.3.4", new Ipv6Id(Q(ProtoQualifier.IPv6, DirQualifier.Dst, AddrQualifier.Host), "::ffff:1.2.3.4", 128, 0));
        yield return ("link src host 1.2.3.4", new HostId(Q(ProtoQualifier.Link, DirQualifier.Src, AddrQualifier.Host), "1.2.3.4", 0));
        yield return ("addr1 host 1.2.3.4", new HostId(Q(d: DirQualifier.Addr1, a: AddrQualifier.Host), "1.2.3.4", 0));
        yield return ("ra port 1", Port(1, d: DirQualifier.Ra));
        yield return ("proto 300", new NumberId(Q(a: AddrQualifier.Proto), 300, 0));
        yield return ("tcp protochain 6", new NumberId(Q(ProtoQualifier.Tcp, a: AddrQualifier.Protochain), 6, 0));
        yield return ("protochain 6 and tcp port 80", And(new NumberId(Q(a: AddrQualifier.Protochain), 6, 0), Port(80, ProtoQualifier.Tcp)));
        yield return ("gateway 1", new NumberId(Q(a: AddrQualifier.Gateway), 1, 0));
        yield return ("llc s", new LlcSFrameExpression(0));
        yield return ("llc xid", new LlcUSubtypeExpression(0xaf, 0));
        yield return ("wlan addr1 01:02:03:04:05:06 or wlan addr3 01:02:03:04:05:06 or wlan addr4 01:02:03:04:05:06 or wlan ra 01:02:03:04:05:06",
            Or(Or(Or(new MacId(Q(ProtoQualifier.Link, DirQualifier.Addr1), "01:02:03:04:05:06", 0), new MacId(Q(ProtoQualifier.Link, DirQualifier.Addr3), "01:02:03:04:05:06", 0)),
                new MacId(Q(ProtoQualifier.Link, DirQualifier.Addr4), "01:02:03:04:05:06", 0)), new MacId(Q(ProtoQualifier.Link, DirQualifier.Ra), "01:02:03:04:05:06", 0)));
        yield return ("ether src and dst 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.Link, DirQualifier.And), "01:02:03:04:05:06", 0));
        yield return ("ip host 01:02:03:04:05:06", new MacId(Q(ProtoQualifier.IP, a: AddrQualifier.Host), "01:02:03:04:05:06", 0));
        yield return ("subtype beacon", new Ieee80211TypeExpression(0x80, 0xfc, 0));
        yield return ("vci 5 and vpi != 0", And(new AtmFieldExpression(AtmField.Vci, 5, RelationTest.Equal, false, 0), new AtmFieldExpression(AtmField.Vpi, 0, RelationTest.Equal, true, 0)));
        yield return ("metac or bcc or sc or ilmic or oamf4ec or oamf4sc", Or(Or(Or(Or(Or(new AtmTypeExpression(AtmAbbreviation.Metac, 0), new AtmTypeExpression(AtmAbbreviation.Bcc, 0)),
            new AtmTypeExpression(AtmAbbreviation.Sc, 0)), new AtmTypeExpression(AtmAbbreviation.Ilmic, 0)), new AtmTypeExpression(AtmAbbreviation.Oamf4Ec, 0)), new AtmTypeExpression(AtmAbbreviation.Oamf4Sc, 0)));
        yield return ("metaconnect or oamf4", Or(new AtmMultiTypeExpression(AtmAbbreviation.MetaConnect, 0), new AtmMultiTypeExpression(AtmAbbreviation.Oamf4, 0)));
        yield return ("lane and vlan", And(new AtmTypeExpression(AtmAbbreviation.Lane, 0), new VlanExpression(null, 0)));
        yield return ("lssu or msu or hfisu or hmsu", Or(Or(Or(new Mtp2TypeExpression(Mtp2Type.Lssu, 0), new Mtp2TypeExpression(Mtp2Type.Msu, 0)),
            new Mtp2TypeExpression(Mtp2Type.HsFisu, 0)), new Mtp2TypeExpression(Mtp2Type.HsMsu, 0)));
        yield return ("sio 3 and dpc 5 and sls 2 and hsio 1 and hopc 7 and hsls 1", And(And(And(And(And(
            new Mtp3FieldExpression(Mtp3Field.Sio, 3, RelationTest.Equal, false, 0), new Mtp3FieldExpression(Mtp3Field.Dpc, 5, RelationTest.Equal, false, 0)),
            new Mtp3FieldExpression(Mtp3Field.Sls, 2, RelationTest.Equal, false, 0)), new Mtp3FieldExpression(Mtp3Field.HsSio, 1, RelationTest.Equal, false, 0)),
            new Mtp3FieldExpression(Mtp3Field.HsOpc, 7, RelationTest.Equal, false, 0)), new Mtp3FieldExpression(Mtp3Field.HsSls, 1, RelationTest.Equal, false, 0)));
        yield return ("sls 16", new Mtp3FieldExpression(Mtp3Field.Sls, 16, RelationTest.Equal, false, 0));
        yield return ("ruleset foo and srnr 2 and reason 3", And(And(new PfRulesetExpression("foo", 0), new PfSubruleNumberExpression(2, 0)), new PfReasonExpression(3, 0)));
        yield return ("on averyveryverylongname", new PfIfNameExpression("averyveryverylongname", 0));
        yield return ("inbound and tcp", And(new InboundExpression(false, 0), P(ProtoQualifier.Tcp)));
        yield return ("byte 0 | 1", new ByteExpression(ByteOperator.Or, 0, 1, 0));
        yield return ("byte 2 < 3 and byte 4 > 5 and byte 6 = 7", And(And(new ByteExpression(ByteOperator.Less, 2, 3, 0), new ByteExpression(ByteOperator.Greater, 4, 5, 0)), new ByteExpression(ByteOperator.Equal, 6, 7, 0)));
        yield return ("decnet src 10.20 or decnet dst host 1.1", Or(new HostId(Q(ProtoQualifier.Decnet, DirQualifier.Src), "10.20", 0), new HostId(Q(ProtoQualifier.Decnet, DirQualifier.Dst, AddrQualifier.Host), "1.1", 0)));
        yield return ("decnet host 1", new NumberId(Q(ProtoQualifier.Decnet, a: AddrQualifier.Host), 1, 0));
        yield return ("ip and ip6 and arp and rarp", And(And(And(P(ProtoQualifier.IP), P(ProtoQualifier.IPv6)), P(ProtoQualifier.Arp)), P(ProtoQualifier.Rarp)));
        yield return ("radio", P(ProtoQualifier.Radio));
        // After a bare protocol name the inherited qualifiers are libpcap's qerr (all undefined).
        yield return ("tcp and 80", And(P(ProtoQualifier.Tcp), new NumberId(Qualifiers.Undefined, 80, 0)));
        yield return ("tcp and foo", And(P(ProtoQualifier.Tcp), new NameId(Qualifiers.Undefined, "foo", 0)));
        yield return ("tcp and 10.0.0.0/8", And(P(ProtoQualifier.Tcp), new MaskedHostId(Qualifiers.Undefined, "10.0.0.0", null, 8, 0)));
        yield return ("tcp and ::1", And(P(ProtoQualifier.Tcp), new Ipv6Id(Qualifiers.Undefined, "::1", 128, 0)));
        yield return ("tcp and 01:02:03:04:05:06", And(P(ProtoQualifier.Tcp), new MacId(Qualifiers.Undefined, "01:02:03:04:05:06", 0)));
        yield return ("tcp and 1.2.3.4", And(P(ProtoQualifier.Tcp), new HostId(Qualifiers.Undefined, "1.2.3.4", 0)));
        yield return ("link", P(ProtoQualifier.Link));
    }
}
