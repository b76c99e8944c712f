using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Syntax.SyntaxTrees;
using A = Bpf.Compiler.Syntax.AddrQualifier;
using D = Bpf.Compiler.Syntax.DirQualifier;
using P = Bpf.Compiler.Syntax.ProtoQualifier;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>Expression -> whole expected tree (positions compared separately in FilterParserPositionTests).</summary>
public sealed class FilterParserTests
{
    // The AST is internal (reached through InternalsVisibleTo), so the public theory takes it as object.
    public static TheoryData<string, object> Cases => new()
    {
        { "", new EmptyExpression(0) },
        { " \t\r\n", new EmptyExpression(0) },
        { "tcp", Proto(P.Tcp) },
        { "es-is or is-is", Or(Proto(P.Esis), Proto(P.Isis)) },
        { "host 1.2.3.4", HostAddr(Host, "1.2.3.4") },
        { "net 10.1", HostAddr(Q(addr: A.Net), "10.1") },
        { "net 10.0.0.0/8", new MaskedHostId(Q(addr: A.Net), "10.0.0.0", null, 8, 0) },
        { "net 10.0.0.0 mask 255.0.0.0", new MaskedHostId(Q(addr: A.Net), "10.0.0.0", "255.0.0.0", 0, 0) },
        { "ip6 net fe80::/10", new Ipv6Id(Q(P.IPv6, addr: A.Net), "fe80::", 10, 0) },
        { "host ::ffff:1.2.3.4", new Ipv6Id(Host, "::ffff:1.2.3.4", 128, 0) },
        { "ether src aa:bb:cc:dd:ee:ff", new MacId(Q(P.Link, D.Src), "aa:bb:cc:dd:ee:ff", 0) },
        { "host 00-11-22-33-44-55", new MacId(Host, "00-11-22-33-44-55", 0) },
        { "host 0011.2233.4455", new MacId(Host, "0011.2233.4455", 0) },
        { "host 1.2.3.4.5.6", new MacId(Host, "1.2.3.4.5.6", 0) },
        { "host 001122334455", new MacId(Host, "001122334455", 0) },
        { "link host $1f", new ArcnetId(Q(P.Link, addr: A.Host), "$1f", 0) },
        { "src or dst port 80", Number(Q(dir: D.Or, addr: A.Port), 80) },
        { "dst and src host a", Name(Q(dir: D.And, addr: A.Host), "a") },
        { "wlan addr4 host a", Name(Q(P.Link, D.Addr4, A.Host), "a") },
        { "ra a", Name(Q(dir: D.Ra), "a") },
        { "ip proto 6", Number(Q(P.IP, addr: A.Proto), 6) },
        // Protocol names are keywords: "proto tcp" needs the scanner's backslash escape.
        { "ip6 protochain \\tcp", Name(Q(P.IPv6, addr: A.Protochain), "tcp") },
        { "gateway gw", Name(Q(addr: A.Gateway), "gw") },
        { "portrange 1-1024", Name(Q(addr: A.PortRange), "1-1024") },
        { "host \\a+b[1]", Name(Host, "a+b[1]") },
        { "tcp dst port ftp or ftp-data", Or(Name(Q(P.Tcp, D.Dst, A.Port), "ftp"), Name(Q(P.Tcp, D.Dst, A.Port), "ftp-data")) },
        { "host (a or b and c)", And(Or(Name(Host, "a"), Name(Host, "b")), Name(Host, "c")) },
        { "host (1 or not 2)", Or(Number(Host, 1), Not(Number(Host, 2))) },
        { "ip[0] & 0xf != 5", Rel(RelationTest.Equal, true, Bin(ArithOperator.And, Load(P.IP, C(0)), C(15)), C(5)) },
        { "ip[2:2] > 576", Rel(RelationTest.Greater, false, Load(P.IP, C(2), 2), C(576)) },
        { "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
            Rel(RelationTest.Equal, false, Bin(ArithOperator.And, Load(P.Tcp, C(13)), Bin(ArithOperator.Or, C(2), C(16))), C(2)) },
        { "icmp[icmptype] = icmp-echo", Rel(RelationTest.Equal, false, Load(P.Icmp, C(0)), C(8)) },
        { "len <= 100", Rel(RelationTest.Greater, true, new LengthArith(0), C(100)) },
        { "length >= 1", Rel(RelationTest.GreaterOrEqual, false, new LengthArith(0), C(1)) },
        { "-1 < 2", Rel(RelationTest.GreaterOrEqual, true, Neg(C(1)), C(2)) },
        { "2 * 3 + 4 = 10", Rel(RelationTest.Equal, false, Bin(ArithOperator.Add, Bin(ArithOperator.Multiply, C(2), C(3)), C(4)), C(10)) },
        { "8 - 2 - 1 = 5", Rel(RelationTest.Equal, false, Bin(ArithOperator.Subtract, Bin(ArithOperator.Subtract, C(8), C(2)), C(1)), C(5)) },
        { "1 | 2 & 3 << 4 + 5 * 6 = 0", Rel(RelationTest.Equal, false,
            Bin(ArithOperator.Or, C(1), Bin(ArithOperator.And, C(2), Bin(ArithOperator.LeftShift, C(3), Bin(ArithOperator.Add, C(4), Bin(ArithOperator.Multiply, C(5), C(6)))))), C(0)) },
        // % and ^ have no precedence in grammar.y.in: bison shifts, so they grab everything to their right.
        { "7 % 3 + 1 = 3", Rel(RelationTest.Equal, false, Bin(ArithOperator.Modulo, C(7), Bin(ArithOperator.Add, C(3), C(1))), C(3)) },
        { "2 * 7 % 4 = 6", Rel(RelationTest.Equal, false, Bin(ArithOperator.Multiply, C(2), Bin(ArithOperator.Modulo, C(7), C(4))), C(6)) },
        { "-5 % 3 = 1", Rel(RelationTest.Equal, false, Neg(Bin(ArithOperator.Modulo, C(5), C(3))), C(1)) },
        { "-5 + 3 = 1", Rel(RelationTest.Equal, false, Bin(ArithOperator.Add, Neg(C(5)), C(3)), C(1)) },
        { "6 ^ 3 & 1 = 7", Rel(RelationTest.Equal, false, Bin(ArithOperator.Xor, C(6), Bin(ArithOperator.And, C(3), C(1))), C(7)) },
        { "(ip[0]) >> 4 = 4", Rel(RelationTest.Equal, false, Bin(ArithOperator.RightShift, Load(P.IP, C(0)), C(4)), C(4)) },
        { "ip6[ip6[6]:4] = 1", Rel(RelationTest.Equal, false, Load(P.IPv6, Load(P.IPv6, C(6)), 4), C(1)) },
        { "less 100", new LessExpression(100, 0) },
        { "greater 0x10", new GreaterExpression(16, 0) },
        { "byte 3 & 010", new ByteExpression(ByteOperator.And, 3, 8, 0) },
        { "byte 1 = 2", new ByteExpression(ByteOperator.Equal, 1, 2, 0) },
        { "broadcast", new BroadcastExpression(P.Default, 0) },
        { "ether broadcast", new BroadcastExpression(P.Link, 0) },
        { "ip6 multicast", new MulticastExpression(P.IPv6, 0) },
        { "inbound or outbound", Or(new InboundExpression(false, 0), new InboundExpression(true, 0)) },
        { "ifindex 3", new IfIndexExpression(3, 0) },
        { "vlan and vlan 200", And(new VlanExpression(null, 0), new VlanExpression(200, 0)) },
        { "vlan (100)", new VlanExpression(100, 0) },
        { "mpls 5 and mpls", And(new MplsExpression(5, 0), new MplsExpression(null, 0)) },
        { "pppoed or pppoes 7 or pppoes", Or(Or(new PppoedExpression(0), new PppoesExpression(7, 0)), new PppoesExpression(null, 0)) },
        { "geneve 10 && geneve", And(new GeneveExpression(10, 0), new GeneveExpression(null, 0)) },
        { "on eth0", new PfIfNameExpression("eth0", 0) },
        { "ifname lo", new PfIfNameExpression("lo", 0) },
        { "rset r1", new PfRulesetExpression("r1", 0) },
        { "rnr 3", new PfRuleNumberExpression(3, 0) },
        { "subrulenum 4", new PfSubruleNumberExpression(4, 0) },
        { "reason fragment", new PfReasonExpression(2, 0) },
        { "reason 5", new PfReasonExpression(5, 0) },
        { "action block", new PfActionExpression(1, 0) },
        { "type mgt", new Ieee80211TypeExpression(0x00, 0x0c, 0) },
        { "wlan type 8", new Ieee80211TypeExpression(0x08, 0x0c, 0) },
        { "type data subtype null", new Ieee80211TypeExpression(0x48, 0xfc, 0) },
        { "type ctl subtype ack", new Ieee80211TypeExpression(0xd4, 0xfc, 0) },
        { "subtype beacon", new Ieee80211TypeExpression(0x80, 0xfc, 0) },
        { "subtype qos-data", new Ieee80211TypeExpression(0x88, 0xfc, 0) },
        { "dir tods", new Ieee80211DirExpression(1, 0) },
        { "direction 3", new Ieee80211DirExpression(3, 0) },
        { "llc", new LlcExpression(0) },
        { "llc i", new LlcIFrameExpression(0) },
        { "llc S", new LlcSFrameExpression(0) },
        { "llc u", new LlcUFrameExpression(0) },
        { "llc rr", new LlcSSubtypeExpression(0x01, 0) },
        { "llc rnr", new LlcSSubtypeExpression(0x05, 0) },
        { "llc XID", new LlcUSubtypeExpression(0xaf, 0) },
        { "lane", new AtmTypeExpression(AtmAbbreviation.Lane, 0) },
        { "oamf4", new AtmMultiTypeExpression(AtmAbbreviation.Oamf4, 0) },
        { "vpi 1", new AtmFieldExpression(AtmField.Vpi, 1, RelationTest.Equal, false, 0) },
        { "vci != 5", new AtmFieldExpression(AtmField.Vci, 5, RelationTest.Equal, true, 0) },
        { "vpi (1 or 2)", Or(new AtmFieldExpression(AtmField.Vpi, 1, RelationTest.Equal, false, 0), new AtmFieldExpression(AtmField.Vpi, 2, RelationTest.Equal, false, 0)) },
        { "lsu", new Mtp2TypeExpression(Mtp2Type.Lssu, 0) },
        { "hmsu", new Mtp2TypeExpression(Mtp2Type.HsMsu, 0) },
        { "dpc >= 2", new Mtp3FieldExpression(Mtp3Field.Dpc, 2, RelationTest.GreaterOrEqual, false, 0) },
        { "hsls (1 || 2)", Or(new Mtp3FieldExpression(Mtp3Field.HsSls, 1, RelationTest.Equal, false, 0), new Mtp3FieldExpression(Mtp3Field.HsSls, 2, RelationTest.Equal, false, 0)) },
        { "not not tcp", Not(Not(Proto(P.Tcp))) },
        { "tcp and udp or icmp", Or(And(Proto(P.Tcp), Proto(P.Udp)), Proto(P.Icmp)) },
        { "tcp or udp and icmp", And(Or(Proto(P.Tcp), Proto(P.Udp)), Proto(P.Icmp)) },
        { "! tcp && ! udp || ! icmp", Or(And(Not(Proto(P.Tcp)), Not(Proto(P.Udp))), Not(Proto(P.Icmp))) },
        { "tcp and (udp or icmp)", And(Proto(P.Tcp), Or(Proto(P.Udp), Proto(P.Icmp))) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_GivesExpectedTree(string text, object expected)
    {
        Assert.Equal((FilterExpression)expected, Erase(FilterParser.Parse(text)));
    }
}
