using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>
/// Seeded random pcap-filter text: grammar-shaped expressions over every production (some of them
/// mutated into near misses) and plain token soup, for differential tests against libpcap.
/// </summary>
internal sealed class RandomSyntax(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] Protocols =
        "link ether ip ip6 arp rarp tcp udp icmp icmp6 sctp igmp pim vrrp ah esp iso isis clnp stp ipx netbeui decnet atalk carp l1 l2 iih lsp snp csnp psnp radio aarp lat sca moprc mopdl igrp esis".Split(' ');

    private static readonly string[] Vocabulary =
        ("dst src host net port portrange proto protochain gateway ether link ip ip6 arp tcp udp icmp less greater byte broadcast multicast " +
         "and or not ! && || len vlan mpls pppoed pppoes geneve inbound outbound ifindex type subtype dir data mgt beacon tods llc i rnr " +
         "on rset srnr reason action pass lane vpi vci oam fisu sio opc addr1 ra ta mask 1 80 0x10 010 1.2.3.4 10.0 255.0.0.0 ::1 fe80:: " +
         "aa:bb:cc:dd:ee:ff 0011.2233.4455 $1 a ( ) ( ) [ ] : + - * / % & | ^ << >> = == != < <= > >= tcpflags tcp-syn \\x 08 4294967296").Split(' ');

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
    private bool Chance(double p) => _random.NextDouble() < p;
    private string Pick(string spaceSeparated) => Pick(spaceSeparated.Split(' '));

    public string Soup() => string.Join(" ", Enumerable.Range(0, _random.Next(1, 8)).Select(_ => Pick(Vocabulary)));

    public string Expression()
    {
        var text = Expr(0);
        return Chance(0.4) ? Mutate(text) : text;
    }

    private string Num() => Pick("0 1 2 80 0x10 010 255 65535 4294967295 tcpflags tcp-syn icmp-echo icmptype icmp6type");
    private string PNum(int depth = 0) => Chance(0.8) || depth > 2 ? Num() : $"({PNum(depth + 1)})";

    private string NId(int depth)
    {
        var r = _random.NextDouble();
        if (r < 0.15) return Pick("a foo-bar ftp ftp-data http 1-1024 \\x");
        if (r < 0.3) return Pick(["1.2.3.4", "10.0", "10.0.0", "192.168.1.0/24", "10.0.0.0 mask 255.0.0.0"]);
        if (r < 0.4) return Pick("::1 fe80::/10 2001:db8::1/64 ::ffff:1.2.3.4");
        if (r < 0.5) return Pick("aa:bb:cc:dd:ee:ff 00-11-22-33-44-55 0011.2233.4455 001122334455");
        if (r < 0.55) return "$1f";
        if (r < 0.65 && depth < 3) return Pick(["not ", "!"]) + Id(depth + 1);
        return PNum();
    }

    private string Id(int depth)
    {
        if (Chance(0.75) || depth > 2) return NId(depth);
        var s = NId(depth + 1);
        for (int i = _random.Next(1, 3); i > 0; i--)
            s += $" {Pick("and or && ||")} {Id(depth + 1)}";
        return $"({s})";
    }

    private string Head()
    {
        var proto = Chance(0.5) ? Pick(Protocols) + " " : "";
        var r = _random.NextDouble();
        if (r < 0.4) return proto + Pick(["src ", "dst ", "src or dst ", "dst and src ", "addr1 ", "ra ", "ta "]) + Pick(["", "host ", "net ", "port ", "portrange "]);
        if (r < 0.8) return proto + Pick(["host ", "net ", "port ", "portrange "]);
        return proto + Pick(["proto ", "protochain ", "gateway "]);
    }

    public string Arith(int depth = 0)
    {
        var r = _random.NextDouble();
        if (depth > 3 || r < 0.3) return PNum();
        if (r < 0.45) return $"{Pick(Protocols)}[{Arith(depth + 1)}{Pick(["", ":1", ":2", ":4", ":3"])}]";
        if (r < 0.5) return Pick("len length");
        if (r < 0.8) return $"{Arith(depth + 1)} {Pick("+ - * / % & | ^ << >>")} {Arith(depth + 1)}";
        if (r < 0.9) return "-" + Arith(depth + 1);
        return $"({Arith(depth + 1)})";
    }

    private string Other() => _random.Next(13) switch
    {
        0 => Pick(["", "ether ", "ip ", "ip6 "]) + Pick("broadcast multicast"),
        1 => Pick("less greater") + " " + Num(),
        2 => $"byte {Num()} {Pick("& | < > =")} {Num()}",
        3 => Pick("inbound outbound"),
        4 => "ifindex " + Num(),
        5 => Pick("vlan mpls pppoes geneve") + (Chance(0.5) ? " " + PNum() : ""),
        6 => "pppoed",
        7 => Pick(["on eth0", "ifname lo", "rset x", "rnr 1", "srnr 2", "reason 1", "reason match", "action pass", "action drop"]),
        8 => Pick(["", "wlan "]) + Pick(["type mgt", "type data subtype null", "type ctl subtype ack", "subtype beacon", "type 8", "type 4 subtype 0xb0", "dir tods", "dir 3"]),
        9 => Pick(["llc", "llc i", "llc s", "llc u", "llc rr", "llc rnr", "llc ui", "llc xid"]),
        10 => Pick("lane metac bcc oamf4ec oam oamf4 connectmsg metaconnect sc ilmic"),
        11 => Pick("vpi vci sio opc dpc sls hsio") + " " + Pick([Num(), "> 3", "!= 2", "(1 or 2)", "(1 || 2 or 3)", "<= 7"]),
        _ => Pick("fisu lssu lsu msu hfisu hlssu hmsu"),
    };

    private string Term(int depth)
    {
        var r = _random.NextDouble();
        if (r < 0.35) return Head() + Id(depth);
        if (r < 0.5) return $"{Arith()} {Pick("> >= = == <= < !=")} {Arith()}";
        if (r < 0.6) return Pick(Protocols);
        if (r < 0.75) return Other();
        if (r < 0.85 && depth < 3) return Pick(["not ", "!"]) + Term(depth + 1);
        return depth < 3 ? $"({Expr(depth + 1)})" : Pick(Protocols);
    }

    private string Expr(int depth)
    {
        var s = Term(depth);
        for (int i = _random.Next(0, 4); i > 0; i--)
            s += $" {Pick("and or && ||")} {(Chance(0.6) ? Term(depth) : Id(depth))}";
        return s;
    }

    private string Mutate(string text)
    {
        var tokens = text.Replace("(", " ( ").Replace(")", " ) ").Replace("[", " [ ").Replace("]", " ] ")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        int i = _random.Next(tokens.Count);
        var r = _random.NextDouble();
        if (r < 0.4)
            tokens.RemoveAt(i);
        else if (r < 0.7)
            tokens.Insert(i, Pick("and or ( ) not host 1 tcp [ ] = src port -"));
        else
        {
            int j = _random.Next(tokens.Count);
            (tokens[i], tokens[j]) = (tokens[j], tokens[i]);
        }
        return string.Join(" ", tokens);
    }
}
