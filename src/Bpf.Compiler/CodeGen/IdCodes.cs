using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Name ids with their qualifiers (libpcap's gen_scode): hosts, networks, services, port ranges,
/// protocol names. Numbers and addresses are in <see cref="NumericIds"/>.
/// </summary>
internal static class IdCodes
{
    internal static FilterCompileException Syntax(CodeGenContext cx) =>
        cx.Error(FilterErrorKind.Syntax, "syntax error in filter expression");

    /// <summary>A name id (libpcap's gen_scode).</summary>
    public static Cond Name(CodeGenContext cx, string name, Qualifiers q)
    {
        switch (q.Addr)
        {
            case AddrQualifier.Net:
            {
                var addr = cx.Names?.LookupNetwork(name) ?? 0;
                if (addr == 0)
                    return cx.Refuse(FilterErrorKind.UnknownName, $"unknown network '{name}'");
                var mask = 0xffffffffu;
                while (addr != 0 && (addr & 0xff000000) == 0)
                {
                    addr <<= 8;
                    mask <<= 8;
                }
                return Hosts.Host(cx, addr, mask, q.Proto, q.Dir, q.Addr, "net <IPv4 network name>");
            }
            case AddrQualifier.Default:
            case AddrQualifier.Host:
                return HostName(cx, name, q);
            case AddrQualifier.Port:
            {
                if (q.Proto is not (ProtoQualifier.Default or ProtoQualifier.Udp or ProtoQualifier.Tcp or ProtoQualifier.Sctp))
                    return cx.Refuse(FilterErrorKind.InvalidQualifier, "illegal qualifier of 'port'");
                if (cx.Names?.LookupPort(name) is not { } found)
                    return cx.Refuse(FilterErrorKind.UnknownName, $"unknown port '{name}'");
                var proto = CheckPortProto(cx, q.Proto, found.Protocol, $"port '{name}'");
                if (cx.Failed || !CheckPortNumber(cx, found.Port))
                    return CodeGenContext.Placeholder;
                return Ports.AnyFamily(cx, (uint)found.Port, proto, q.Dir);
            }
            case AddrQualifier.PortRange:
            {
                if (q.Proto is not (ProtoQualifier.Default or ProtoQualifier.Udp or ProtoQualifier.Tcp or ProtoQualifier.Sctp))
                    return cx.Refuse(FilterErrorKind.InvalidQualifier, "illegal qualifier of 'portrange'");
                if ((cx.Head ? HeadPortRange(cx, name) : ParsePortRange(cx, name)) is not (var p1, var p2, var realProto))
                    return cx.Refuse(FilterErrorKind.UnknownName, $"unknown port in range '{name}'");
                var proto = CheckPortProto(cx, q.Proto, realProto, $"port in range '{name}'");
                if (cx.Failed || !CheckPortNumber(cx, p1) || !CheckPortNumber(cx, p2))
                    return CodeGenContext.Placeholder;
                return Ports.AnyFamilyRange(cx, (uint)p1, (uint)p2, proto, q.Dir);
            }
            case AddrQualifier.Gateway:
                // libpcap 1.10 built with IPv6 had no gateway; the head has.
                if (!cx.Head)
                    return cx.Refuse(FilterErrorKind.InvalidQualifier, "'gateway' not supported in this configuration");
                return Gateway(cx, name, q.Proto);
            case AddrQualifier.Proto:
            {
                var v = Protocols.LookupProto(cx, name, q.Proto);
                if (v < 0)
                    return cx.Refuse(FilterErrorKind.UnknownName, $"unknown protocol: {name}");
                return Protocols.Proto(cx, (uint)v, q.Proto, q.Dir);
            }
            case AddrQualifier.Protochain:
            {
                var v = Protocols.LookupProto(cx, name, q.Proto, "protochain");
                if (v < 0)
                    return cx.Refuse(FilterErrorKind.UnknownName, $"unknown protocol: {name}");
                return Protochain.Generate(cx, (uint)v, q.Proto);
            }
            default:
                return cx.Refuse(Syntax(cx));
        }
    }

    private static bool CheckPortNumber(CodeGenContext cx, int port)
    {
        if (port >= 0)
            return NumericIds.PortRange(cx, (uint)port);
        cx.Fail(FilterErrorKind.ValueOutOfRange, $"illegal port number {port} < 0");
        return false;
    }

    // A service known only for another transport than the one asked for is an error.
    private static int CheckPortProto(CodeGenContext cx, ProtoQualifier asked, int real, string what)
    {
        var (wanted, name) = asked switch
        {
            ProtoQualifier.Udp => ((int)IpProto.Udp, "udp"),
            ProtoQualifier.Tcp => ((int)IpProto.Tcp, "tcp"),
            ProtoQualifier.Sctp => ((int)IpProto.Sctp, "sctp"),
            _ => (Ports.AnyTransport, ""),
        };
        if (wanted == Ports.AnyTransport)
            return real;
        if (real != Ports.AnyTransport && real != wanted)
        {
            var realName = real == (int)IpProto.Tcp ? "tcp" : real == (int)IpProto.Udp ? "udp" : "sctp";
            cx.Fail(FilterErrorKind.InvalidQualifier, $"{what} is {realName}");
        }
        _ = name;
        return wanted;
    }

    /// <summary>
    /// The head's stringtoportrange: exactly one hyphen between two ports, each a number (decimal,
    /// 0-octal or 0x-hex, at most 32 bits) or a service name; the protocol is the names' if they agree.
    /// </summary>
    /// <remarks>A refused range is recorded on <paramref name="cx"/> and comes back as ports 0-0.</remarks>
    private static (int, int, int) HeadPortRange(CodeGenContext cx, string name)
    {
        var hyphen = name.IndexOf('-');
        if (hyphen < 0)
            return RefusedRange(cx, name, "contains no hyphen");
        if (name.IndexOf('-', hyphen + 1) >= 0)
            return RefusedRange(cx, name, "contains more than one hyphen");
        if (hyphen == 0)
            return RefusedRange(cx, name, "has no starting port");
        var (p1, proto1) = HeadStringToPort(cx, name[..hyphen]);
        if (cx.Failed)
            return (0, 0, Ports.AnyTransport);
        if (hyphen == name.Length - 1)
            return RefusedRange(cx, name, "has no ending port");
        var (p2, proto2) = HeadStringToPort(cx, name[(hyphen + 1)..]);
        return ((int)Math.Min(p1, int.MaxValue), (int)Math.Min(p2, int.MaxValue), proto1 == proto2 ? proto1 : Ports.AnyTransport);
    }

    private static (int, int, int) RefusedRange(CodeGenContext cx, string name, string why)
    {
        cx.Fail(FilterErrorKind.Syntax, $"port range '{name}' {why}");
        return (0, 0, Ports.AnyTransport);
    }

    // The head's stringtoport: a number is any protocol's; a name is TCP's, else UDP's (both when
    // the two agree).
    private static (uint Port, int Proto) HeadStringToPort(CodeGenContext cx, string text)
    {
        var (isNumber, value) = HeadStoulen(cx, text);
        if (isNumber)
            return (value, Ports.AnyTransport);
        if (cx.Names?.LookupPort(text) is { } found)
            return ((uint)found.Port, found.Protocol);
        cx.Fail(FilterErrorKind.UnknownName, $"'{text}' is not a valid port");
        return (0, Ports.AnyTransport);
    }

    // The head scanner's stoulen: (false, 0) when the text is not a number of its base.
    private static (bool IsNumber, uint Value) HeadStoulen(CodeGenContext cx, string text)
    {
        var (digits, radix, kind) = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (text[2..], 16u, "hexadecimal")
            : text.StartsWith('0') ? (text[1..], 8u, "octal")
            : (text, 10u, "decimal");
        ulong n = 0;
        foreach (var c in digits)
        {
            var d = c is >= '0' and <= '9' ? (uint)(c - '0') : c is >= 'a' and <= 'f' ? (uint)(c - 'a' + 10) : c is >= 'A' and <= 'F' ? (uint)(c - 'A' + 10) : 99u;
            if (d >= radix)
                return (false, 0);
            n = n * radix + d;
            if (n > uint.MaxValue)
            {
                cx.Fail(FilterErrorKind.ValueOutOfRange, $"{kind} number {text} overflows 32 bits");
                return (true, 0);
            }
        }
        return (true, (uint)n);
    }

    /// <summary><c>%d-%d</c>, or two service names around the first '-' (libpcap's pcap_nametoportrange).</summary>
    private static (int, int, int)? ParsePortRange(CodeGenContext cx, string name)
    {
        var dash = name.IndexOf('-', name.Length > 0 && name[0] is '-' or '+' ? 1 : 0);
        if (dash > 0 && TryScanInt(name[..dash], out var p1) && TryScanInt(name[(dash + 1)..], out var p2))
            return (p1, p2, Ports.AnyTransport);
        var first = name.IndexOf('-');
        if (first < 0 || cx.Names == null)
            return null;
        var low = cx.Names.LookupPort(name[..first]);
        if (low == null)
            return null;
        var high = cx.Names.LookupPort(name[(first + 1)..]);
        if (high == null)
            return null;
        var proto = high.Value.Protocol != low.Value.Protocol ? Ports.AnyTransport : high.Value.Protocol;
        return (low.Value.Port, high.Value.Port, proto);
    }

    // sscanf %d: optional whitespace and sign, then digits; trailing text is ignored only at the end.
    internal static bool TryScanInt(string s, out int value)
    {
        var t = s.TrimStart();
        var end = 0;
        if (end < t.Length && t[end] is '-' or '+')
            end++;
        var digitsStart = end;
        while (end < t.Length && char.IsAsciiDigit(t[end]))
            end++;
        value = 0;
        if (end == digitsStart)
            return false;
        return int.TryParse(t[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static Cond HostName(CodeGenContext cx, string name, Qualifiers q)
    {
        var proto = q.Proto;
        if (proto == ProtoQualifier.Link)
        {
            var what = cx.LinkType switch
            {
                LinkType.EN10MB or LinkType.NETANALYZER or LinkType.NETANALYZER_TRANSPARENT => "ether",
                LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head => "ether",
                LinkType.FDDI => "FDDI",
                LinkType.IEEE802 => "token ring",
                LinkType.IEEE802_11 or LinkType.PRISM_HEADER or LinkType.IEEE802_11_RADIO_AVS
                    or LinkType.IEEE802_11_RADIO or LinkType.PPI => "802.11",
                LinkType.IP_OVER_FC => "Fibre Channel",
                _ => null,
            };
            if (what is null)
            {
                return cx.Refuse(cx.NotOnLinkType("link host NAME",
                    "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name"));
            }
            // The head's gen_mac48host_byname has one message for every MAC-48 link type.
            if (cx.Names?.LookupEther(name) is not { } mac)
                return cx.Refuse(FilterErrorKind.UnknownName, cx.Head ? $"unknown Ethernet-like host '{name}'" : $"unknown {what} host '{name}'");
            return MacAddresses.LinkHost(cx, mac, q.Dir)!.Value;
        }
        if (proto == ProtoQualifier.Decnet)
            return cx.Refuse(FilterErrorKind.UnknownName, $"decnet name support not included, '{name}' cannot be translated\n");

        var addrs = cx.Names?.LookupHost(name) ?? [];
        if (addrs.Count == 0)
            return cx.Refuse(FilterErrorKind.UnknownName, $"unknown host '{name}'");
        if (cx.Head)
            return HostByName(cx, name, addrs, proto, proto, q.Dir, q.Addr, not: false);
        var tproto = proto;
        var tproto6 = proto;
        if (cx.OffLinkType.ConstantPart == AbsOffset.NotSet && tproto == ProtoQualifier.Default)
        {
            // Link types without a type field carry only IP: no ARP/RARP alternatives.
            tproto = ProtoQualifier.IP;
            tproto6 = ProtoQualifier.IPv6;
        }
        Cond? b = null;
        foreach (var a in addrs)
        {
            Cond tmp;
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                if (tproto == ProtoQualifier.IPv6)
                    continue;
                tmp = Hosts.Host(cx, NumericIds.ToUInt(a), 0xffffffff, tproto, q.Dir, q.Addr);
            }
            else if (a.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (tproto6 == ProtoQualifier.IP)
                    continue;
                tmp = Hosts.Host6(cx, NumericIds.Words(a.GetAddressBytes()), [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], tproto6, q.Dir, q.Addr);
            }
            else
                continue;
            b = b == null ? tmp : Or(b.Value, tmp);
        }
        return b ?? cx.Refuse(FilterErrorKind.UnknownName,
            $"unknown host '{name}'{(proto == ProtoQualifier.Default ? "" : " for specified address family")}");
    }

    /// <summary>
    /// <c>gateway NAME</c> (the head's gen_gateway): the name's Ethernet address (/etc/ethers) as either link
    /// address, and none of its IPv4 addresses as either IP address: a packet routed through that host.
    /// </summary>
    private static Cond Gateway(CodeGenContext cx, string name, ProtoQualifier proto)
    {
        if (proto is not (ProtoQualifier.Default or ProtoQualifier.IP or ProtoQualifier.Arp or ProtoQualifier.Rarp))
            return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'{QualifierNames.Keyword(proto)}' is not a valid qualifier for 'gateway'");
        if (cx.LabelStackDepth > 0)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, "'gateway' cannot be used within MPLS");
        if (cx.IsEncap)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, "'gateway' cannot be used within VXLAN or Geneve");
        // gen_mac48host_byname: link types with 48-bit MAC addresses only.
        if (cx.LinkType is not (LinkType.EN10MB or LinkType.FDDI or LinkType.IEEE802 or LinkType.IEEE802_11
            or LinkType.IEEE802_11_RADIO or LinkType.IEEE802_11_RADIO_AVS or LinkType.IP_OVER_FC or LinkType.NETANALYZER
            or LinkType.NETANALYZER_TRANSPARENT or LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA or LinkType.PPI
            or LinkType.PRISM_HEADER))
            return cx.Refuse(cx.NotOnLinkType("gateway", ""));
        if (cx.Names?.LookupEther(name) is not { } mac)
            return cx.Refuse(FilterErrorKind.UnknownName, $"unknown Ethernet-like host '{name}'");
        var b0 = MacAddresses.LinkHost(cx, mac, DirQualifier.Or)!;
        // Unqualified, the head skips the name's IPv6 addresses (the documented IPv4-only behaviour).
        var addrs = cx.Names?.LookupHost(name) ?? [];
        if (addrs.Count == 0)
            return cx.Refuse(FilterErrorKind.UnknownName, $"unknown host '{name}'");
        var b1 = HostByName(cx, name, addrs, proto, ProtoQualifier.IP, DirQualifier.Or, AddrQualifier.Host, not: true);
        return And(b0.Value, b1);
    }

    /// <summary>
    /// The head's gen_host46_byname: a name's IPv4 addresses (sorted) under one link-layer test
    /// per protocol, ored with its IPv6 addresses (sorted) under one IPv6 test.
    /// </summary>
    public static Cond HostByName(CodeGenContext cx, string name, IReadOnlyList<System.Net.IPAddress> addrs, ProtoQualifier proto4, ProtoQualifier proto6,
        DirQualifier dir, AddrQualifier type, bool not)
    {
        Cond? ret = null;
        if (proto4 != ProtoQualifier.IPv6)
        {
            var v4 = addrs.Where(a => a.AddressFamily == AddressFamily.InterNetwork).Select(NumericIds.ToUInt).Order().ToArray();
            if (v4.Length > 100)
                return cx.Refuse(FilterErrorKind.TooComplex, "More than 100 IPv4 addresses per name");
            if (v4.Length > 0)
                ret = Hosts.HeadHost(cx, v4, [.. v4.Select(_ => 0xffffffffu)], proto4, dir, type, not, "host <Internet hostname>");
        }
        if (proto6 is not (ProtoQualifier.Arp or ProtoQualifier.IP or ProtoQualifier.Rarp))
        {
            var v6 = addrs.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6)
                .Select(a => a.GetAddressBytes()).Order(Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)))
                .Select(NumericIds.Words).ToArray();
            if (v6.Length > 100)
                return cx.Refuse(FilterErrorKind.TooComplex, "More than 100 IPv6 addresses per name");
            if (v6.Length > 0)
            {
                uint[] all = [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff];
                var hosts6 = Hosts.HeadHost6(cx, v6, [.. v6.Select(_ => all)], proto6, dir, type, not);
                ret = ret == null ? hosts6 : Or(ret.Value, hosts6);
            }
        }
        return ret ?? cx.Refuse(FilterErrorKind.UnknownName,
            $"unknown host '{name}'{(proto4 == ProtoQualifier.Default ? "" : " for specified address family")}");
    }


}
