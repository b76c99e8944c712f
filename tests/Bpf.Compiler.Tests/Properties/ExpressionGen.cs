using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Compiler.Tests.Properties;

/// <summary>
/// Random pcap-filter expressions for Ethernet from a grammar subset: primitives with random
/// qualifiers and values (some out of range or ill-qualified, so errors are exercised too),
/// arithmetic relations, and and/or/not with random parentheses and spellings.
/// </summary>
internal static class ExpressionGen
{
    private static readonly string[] s_abbreviations =
        ["ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "igmp", "sctp", "pim", "vrrp", "ah", "esp", "stp", "ipx", "atalk", "decnet", "iso", "isis", "l1", "clnp", "vlan", "mpls", "pppoed", "pppoes", "llc"];
    private static readonly string[] s_dirs = ["", "src ", "dst ", "src or dst ", "src and dst "];
    private static readonly string[] s_transports = ["", "tcp ", "udp ", "sctp ", "ip ", "ip6 "];
    private static readonly string[] s_relations = ["=", "==", "!=", "<", "<=", ">", ">="];
    private static readonly string[] s_operators = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"];
    private static readonly string[] s_loadProtos = ["ip", "ip6", "tcp", "udp", "icmp", "ether", "link", "arp", "vlan"];

    private static Gen<string> Number(int max) => Gen.Choose(0, max).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static Gen<string> Port =>
        Gen.Frequency((8, Number(65535)), (2, Gen.Elements("http", "domain", "ftp", "ssh", "ntp", "22", "80", "443")), (1, Gen.Constant("70000")));

    private static Gen<string> Ipv4 =>
        from a in Gen.Choose(0, 255)
        from b in Gen.Choose(0, 255)
        from c in Gen.Choose(0, 3)
        from d in Gen.Choose(0, 255)
        select $"{a}.{b}.{c}.{d}";

    private static Gen<string> Network =>
        Gen.OneOf(
            from a in Gen.Choose(1, 223) select $"net {a}",
            from a in Gen.Choose(1, 223) from b in Gen.Choose(0, 255) select $"net {a}.{b}",
            from a in Gen.Choose(1, 223) from len in Gen.Choose(0, 8) select $"net {a}.0.0.0/{len}",
            from a in Gen.Choose(1, 223) from b in Gen.Choose(0, 255) select $"net {a}.{b}.0.0 mask 255.255.0.0",
            from ip in Ipv4 from len in Gen.Choose(24, 33) select $"net {ip}/{len}");

    private static Gen<string> Mac =>
        Gen.ArrayOf(Gen.Choose(0, 255), 6).Select(b => string.Join(":", b.Select(x => x.ToString("x2"))));

    private static Gen<string> LinkSpecific =>
        Gen.OneOf(
            from d in Gen.Elements("wlan host", "wlan ra", "wlan ta", "wlan addr1", "wlan addr2", "wlan addr3", "wlan addr4", "ether src", "fddi dst", "tr host")
            from m in Mac select $"{d} {m}",
            Gen.Elements("type mgt", "type ctl", "type data", "type mgt subtype beacon", "subtype probe-req", "type data subtype qos-data",
                "dir tods", "dir fromds", "dir nods", "dir dstods", "inbound", "outbound", "lane", "oamf4", "metac", "fisu", "lssu", "msu",
                "link host $1f", "on en0", "action pass", "reason match", "iso", "isis", "l1", "clnp", "ipx", "stp", "atalk"),
            from f in Gen.Elements("vpi", "vci", "sio", "opc", "dpc", "sls", "ifindex", "rnr", "srnr")
            from r in Gen.Elements("", "= ", "> ", "!= ")
            from n in Number(70000) select $"{f} {r}{n}",
            from p in Gen.Elements("link", "wlan", "ppp", "slip", "radio")
            from off in Number(40) select $"{p}[{off}] = 1");

    private static Gen<string> Primitive =>
        Gen.Frequency(
            (2, LinkSpecific),
            (4, Gen.Elements(s_abbreviations)),
            (4, from d in Gen.Elements(s_dirs) from p in Gen.Elements("", "ip ", "arp ", "rarp ") from ip in Ipv4 select $"{p}{d}host {ip}"),
            (2, from d in Gen.Elements(s_dirs) from n in Network select $"{d}{n}"),
            (4, from t in Gen.Elements(s_transports) from d in Gen.Elements(s_dirs) from p in Port select $"{t}{d}port {p}"),
            (2, from t in Gen.Elements(s_transports) from a in Gen.Choose(0, 65535) from b in Gen.Choose(0, 65535) select $"{t}portrange {Math.Min(a, b)}-{Math.Max(a, b)}"),
            (2, from p in Gen.Elements("ip proto", "ip6 proto", "proto", "ip protochain", "ether proto") from n in Number(300) select $"{p} {n}"),
            (2, from d in Gen.Elements(s_dirs) from m in Mac select $"ether {d}host {m}"),
            (1, Gen.Elements("ether broadcast", "ether multicast", "ip multicast", "ip6 multicast", "broadcast", "ip broadcast")),
            (2, from w in Gen.Elements("less", "greater", "len >", "len <=", "len =") from n in Number(1600) select $"{w} {n}"),
            (1, from w in Gen.Elements("vlan", "mpls", "pppoes") from n in Number(5000) select $"{w} {n}"),
            (5, Relation));

    private static Gen<string> Load =>
        from p in Gen.Elements(s_loadProtos)
        from off in Number(60)
        from size in Gen.Elements("", ":1", ":2", ":4")
        select $"{p}[{off}{size}]";

    private static Gen<string> Arith(int depth) => depth <= 0
        ? Gen.Frequency((3, Load), (2, Number(300)), (1, Gen.Constant("len")), (1, Gen.Elements("tcp[tcpflags]", "icmp[icmptype]", "tcp-syn", "icmp-echo", "0xff")))
        : Gen.Frequency(
            (3, Arith(0)),
            (2, from a in Arith(depth - 1) from op in Gen.Elements(s_operators) from b in Arith(depth - 1) select $"{a} {op} {b}"),
            (1, from a in Arith(depth - 1) select $"({a})"),
            (1, from a in Arith(0) select $"-{a}"));

    private static Gen<string> Relation =>
        from a in Arith(1)
        from r in Gen.Elements(s_relations)
        from b in Arith(1)
        select $"{a} {r} {b}";

    private static Gen<string> Expression(int depth) => depth <= 0
        ? Primitive
        : Gen.Frequency(
            (3, Primitive),
            (2, from a in Expression(depth - 1) from op in Gen.Elements(" and ", " or ", " && ", " || ") from b in Expression(depth - 1) select a + op + b),
            (1, from a in Expression(depth - 1) from not in Gen.Elements("not ", "! ") select $"{not}({a})"),
            (1, from a in Expression(depth - 1) select $"({a})"));

    /// <summary>Expressions of up to three levels of boolean nesting.</summary>
    public static Gen<string> Expressions => Gen.Choose(0, 3).SelectMany(Expression);
}
