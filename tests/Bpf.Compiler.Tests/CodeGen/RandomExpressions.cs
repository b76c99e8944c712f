using System.Globalization;
using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// A seeded generator of random well-formed filter expressions, producing the syntax tree and the
/// text libpcap parses to the same tree (fully parenthesized, fully qualified), so code generation
/// can be compared with libpcap on combinations nobody would list by hand.
/// </summary>
internal sealed class RandomExpressions(int seed)
{
    private readonly Random _r = new(seed);

    private static readonly (string, ProtoQualifier)[] s_abbrev =
    [
        ("ip", ProtoQualifier.IP), ("ip6", ProtoQualifier.IPv6), ("arp", ProtoQualifier.Arp), ("tcp", ProtoQualifier.Tcp),
        ("udp", ProtoQualifier.Udp), ("icmp", ProtoQualifier.Icmp), ("icmp6", ProtoQualifier.Icmpv6), ("sctp", ProtoQualifier.Sctp),
        ("igmp", ProtoQualifier.Igmp), ("pim", ProtoQualifier.Pim), ("stp", ProtoQualifier.Stp), ("ipx", ProtoQualifier.Ipx),
        ("isis", ProtoQualifier.Isis), ("l1", ProtoQualifier.IsisL1), ("decnet", ProtoQualifier.Decnet), ("atalk", ProtoQualifier.Atalk),
        ("rarp", ProtoQualifier.Rarp), ("ah", ProtoQualifier.Ah), ("esp", ProtoQualifier.Esp), ("vrrp", ProtoQualifier.Vrrp),
    ];

    private static readonly (string, DirQualifier)[] s_dirs =
    [
        ("", DirQualifier.Default), ("src ", DirQualifier.Src), ("dst ", DirQualifier.Dst),
        ("src or dst ", DirQualifier.Or), ("src and dst ", DirQualifier.And),
    ];

    private static readonly (string, ProtoQualifier)[] s_loadProtos =
    [
        ("ip", ProtoQualifier.IP), ("ip6", ProtoQualifier.IPv6), ("tcp", ProtoQualifier.Tcp), ("udp", ProtoQualifier.Udp),
        ("icmp", ProtoQualifier.Icmp), ("ether", ProtoQualifier.Link), ("arp", ProtoQualifier.Arp), ("icmp6", ProtoQualifier.Icmpv6),
    ];

    private T Pick<T>(T[] items) => items[_r.Next(items.Length)];

    private string Num(uint v) => _r.Next(2) == 0 ? v.ToString(CultureInfo.InvariantCulture) : "0x" + v.ToString("x", CultureInfo.InvariantCulture);

    public (string Text, FilterExpression Ast) Expression(int depth)
    {
        if (depth <= 0 || _r.Next(3) == 0)
            return Primitive();
        switch (_r.Next(3))
        {
            case 0:
            {
                var (t, a) = Expression(depth - 1);
                return ($"not ({t})", new NotExpression(a, 0));
            }
            case 1:
            {
                var (t1, a1) = Expression(depth - 1);
                var (t2, a2) = Expression(depth - 1);
                return ($"({t1}) and ({t2})", new AndExpression(a1, a2, 0));
            }
            default:
            {
                var (t1, a1) = Expression(depth - 1);
                var (t2, a2) = Expression(depth - 1);
                return ($"({t1}) or ({t2})", new OrExpression(a1, a2, 0));
            }
        }
    }

    private string Ip4() => $"{_r.Next(1, 224)}.{_r.Next(256)}.{_r.Next(256)}.{_r.Next(256)}";

    private (string, FilterExpression) Primitive()
    {
        switch (_r.Next(18))
        {
            case 0:
            case 1:
            {
                var (t, q) = Pick(s_abbrev);
                return (t, new ProtoAbbreviation(q, 0));
            }
            case 2:
            {
                var (pt, pq) = Pick(new[] { ("", ProtoQualifier.Default), ("ip ", ProtoQualifier.IP), ("arp ", ProtoQualifier.Arp), ("rarp ", ProtoQualifier.Rarp) });
                var (dt, dq) = Pick(s_dirs);
                var addr = Ip4();
                return ($"{pt}{dt}host {addr}", new HostId(new Qualifiers(pq, dq, AddrQualifier.Host), addr, 0));
            }
            case 3:
            {
                var (dt, dq) = Pick(s_dirs);
                var len = (uint)_r.Next(0, 33);
                var mask = len == 0 ? 0 : 0xffffffffu << (32 - (int)len);
                var a = (uint)_r.Next() & mask;
                var addr = $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
                return ($"{dt}net {addr}/{len}", new MaskedHostId(new Qualifiers(ProtoQualifier.Default, dq, AddrQualifier.Net), addr, null, len, 0));
            }
            case 4:
            {
                var (pt, pq) = Pick(new[] { ("", ProtoQualifier.Default), ("tcp ", ProtoQualifier.Tcp), ("udp ", ProtoQualifier.Udp), ("sctp ", ProtoQualifier.Sctp) });
                var (dt, dq) = Pick(s_dirs);
                var port = (uint)_r.Next(0, 65536);
                if (_r.Next(2) == 0)
                    return ($"{pt}{dt}port {port}", new NumberId(new Qualifiers(pq, dq, AddrQualifier.Port), port, 0));
                var port2 = (uint)_r.Next(0, 65536);
                var range = $"{port}-{port2}";
                return ($"{pt}{dt}portrange {range}", new NameId(new Qualifiers(pq, dq, AddrQualifier.PortRange), range, 0));
            }
            case 5:
            {
                var (pt, pq) = Pick(new[] { ("ip ", ProtoQualifier.IP), ("ip6 ", ProtoQualifier.IPv6), ("", ProtoQualifier.Default) });
                var v = (uint)_r.Next(0, 256);
                return ($"{pt}proto {v}", new NumberId(new Qualifiers(pq, DirQualifier.Default, AddrQualifier.Proto), v, 0));
            }
            case 6:
            {
                var (dt, dq) = Pick(s_dirs);
                var mac = string.Join(":", Enumerable.Range(0, 6).Select(_ => _r.Next(256).ToString("x2", CultureInfo.InvariantCulture)));
                return ($"ether {dt}host {mac}", new MacId(new Qualifiers(ProtoQualifier.Link, dq, AddrQualifier.Host), mac, 0));
            }
            case 7:
            {
                var (dt, dq) = Pick(s_dirs);
                var len = (uint)_r.Next(0, 129);
                var bytes = new byte[16];
                _r.NextBytes(bytes);
                for (var i = 0; i < 128; i++)
                    if (i >= len)
                        bytes[i / 8] &= (byte)~(0x80 >> (i % 8));
                var addr = new System.Net.IPAddress(bytes).ToString();
                return ($"{dt}net {addr}/{len}", new Ipv6Id(new Qualifiers(ProtoQualifier.Default, dq, AddrQualifier.Net), addr, len, 0));
            }
            case 8:
            {
                var n = (uint)_r.Next(0, 2000);
                return _r.Next(2) == 0 ? ($"less {n}", new LessExpression(n, 0)) : ($"greater {n}", new GreaterExpression(n, 0));
            }
            case 9:
                return Pick(new (string, FilterExpression)[]
                {
                    ("ether broadcast", new BroadcastExpression(ProtoQualifier.Link, 0)),
                    ("ether multicast", new MulticastExpression(ProtoQualifier.Link, 0)),
                    ("ip multicast", new MulticastExpression(ProtoQualifier.IP, 0)),
                    ("ip6 multicast", new MulticastExpression(ProtoQualifier.IPv6, 0)),
                    ("ip broadcast", new BroadcastExpression(ProtoQualifier.IP, 0)),
                });
            case 10:
            {
                var v = _r.Next(3) == 0 ? (uint?)null : (uint)_r.Next(0, 4096);
                return v == null ? ("vlan", new VlanExpression(null, 0)) : ($"vlan {v}", new VlanExpression(v, 0));
            }
            case 11:
            {
                var v = _r.Next(3) == 0 ? (uint?)null : (uint)_r.Next(0, 1 << 20);
                return v == null ? ("mpls", new MplsExpression(null, 0)) : ($"mpls {v}", new MplsExpression(v, 0));
            }
            case 12:
            {
                var v = (uint)_r.Next(0, 0x10000);
                if (_r.Next(2) == 0)
                    v %= 1600; // LLC SAPs and 802.3 lengths take other paths
                return ($"ether proto {v}", new NumberId(new Qualifiers(ProtoQualifier.Link, DirQualifier.Default, AddrQualifier.Proto), v, 0));
            }
            case 13:
            {
                var (pt, pq) = Pick(new[] { ("", ProtoQualifier.Default), ("ip ", ProtoQualifier.IP), ("ip6 ", ProtoQualifier.IPv6) });
                var v = (uint)_r.Next(0, 256);
                return ($"{pt}protochain {v}", new NumberId(new Qualifiers(pq, DirQualifier.Default, AddrQualifier.Protochain), v, 0));
            }
            case 14:
                return Pick(new (string, FilterExpression)[]
                {
                    ("pppoed", new PppoedExpression(0)),
                    ("pppoes", new PppoesExpression(null, 0)),
                    ("pppoes 17", new PppoesExpression(17, 0)),
                    ("geneve", new GeneveExpression(null, 0)),
                    ("geneve 99", new GeneveExpression(99, 0)),
                    ("llc", new LlcExpression(0)),
                    ("llc i", new LlcIFrameExpression(0)),
                    ("inbound", new InboundExpression(false, 0)),
                    ("iso proto 0x81", new NumberId(new Qualifiers(ProtoQualifier.Iso, DirQualifier.Default, AddrQualifier.Proto), 0x81, 0)),
                });
            case 15:
            {
                var (dt, dq) = Pick(s_dirs);
                var area = _r.Next(0, 64);
                var node = _r.Next(0, 1024);
                return ($"decnet {dt}host {area}.{node}", new HostId(new Qualifiers(ProtoQualifier.Decnet, dq, AddrQualifier.Host), $"{area}.{node}", 0));
            }
            default:
                return Relation();
        }
    }

    private (string, FilterExpression) Relation()
    {
        var (lt, la) = Arith(2, top: true);
        var (rt, ra) = Arith(1, top: true);
        var (op, test, reversed) = Pick(new[]
        {
            (">", RelationTest.Greater, false), (">=", RelationTest.GreaterOrEqual, false), ("=", RelationTest.Equal, false),
            ("!=", RelationTest.Equal, true), ("<", RelationTest.GreaterOrEqual, true), ("<=", RelationTest.Greater, true),
        });
        return ($"{lt} {op} {rt}", new Relation(test, reversed, la, ra, 0));
    }

    private (string, ArithExpression) Arith(int depth, bool top = false)
    {
        var choice = depth <= 0 ? _r.Next(3) : _r.Next(6);
        switch (choice)
        {
            case 0:
            {
                var v = (uint)_r.Next(0, 300);
                return (Num(v), new ConstantArith(v, 0));
            }
            case 1:
                return ("len", new LengthArith(0));
            case 2:
            {
                var (pt, pq) = Pick(s_loadProtos);
                var size = Pick(new uint[] { 1, 2, 4 });
                var (it, ia) = depth > 0 && _r.Next(4) == 0 ? Arith(depth - 1, top: true) : Const((uint)_r.Next(0, 40));
                return ($"{pt}[{it}:{size}]", new LoadArith(pq, ia, size, 0));
            }
            case 3:
            {
                var (t, a) = Arith(depth - 1);
                return ($"-{Wrap(t, a)}", new NegateArith(a, 0));
            }
            default:
            {
                var (op, o) = Pick(new[]
                {
                    ("+", ArithOperator.Add), ("-", ArithOperator.Subtract), ("*", ArithOperator.Multiply), ("/", ArithOperator.Divide),
                    ("%", ArithOperator.Modulo), ("&", ArithOperator.And), ("|", ArithOperator.Or), ("^", ArithOperator.Xor),
                    ("<<", ArithOperator.LeftShift), (">>", ArithOperator.RightShift),
                });
                var (t1, a1) = Arith(depth - 1);
                var (t2, a2) = o is ArithOperator.LeftShift or ArithOperator.RightShift ? Const((uint)_r.Next(0, 34))
                    : o is ArithOperator.Divide or ArithOperator.Modulo ? Const((uint)_r.Next(0, 9)) : Arith(depth - 1);
                var text = $"{Wrap(t1, a1)} {op} {Wrap(t2, a2)}";
                return (top ? text : $"({text})", new BinaryArith(o, a1, a2, 0));
            }
        }
    }

    // Negations are wrapped too: after "-x", bison shifts the precedence-less % and ^ into the negation.
    private static string Wrap(string t, ArithExpression a) => (a is BinaryArith && !t.StartsWith('(')) || a is NegateArith ? $"({t})" : t;

    private (string, ArithExpression) Const(uint v) => (Num(v), new ConstantArith(v, 0));
}
