using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bpf.Compiler.Syntax;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Ids with their qualifiers: names (libpcap's gen_scode), numbers and dotted addresses (gen_ncode),
/// IPv4 networks with masks (gen_mcode) and IPv6 addresses (gen_mcode6).
/// </summary>
internal static class IdCodes
{
    private static FilterCompileException Syntax(CodeGenContext cx) =>
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
                    throw cx.Error(FilterErrorKind.UnknownName, $"unknown network '{name}'");
                var mask = 0xffffffffu;
                while (addr != 0 && (addr & 0xff000000) == 0)
                {
                    addr <<= 8;
                    mask <<= 8;
                }
                return Hosts.Host(cx, addr, mask, q.Proto, q.Dir, q.Addr);
            }
            case AddrQualifier.Default:
            case AddrQualifier.Host:
                return HostName(cx, name, q);
            case AddrQualifier.Port:
            {
                if (q.Proto is not (ProtoQualifier.Default or ProtoQualifier.Udp or ProtoQualifier.Tcp or ProtoQualifier.Sctp))
                    throw cx.Error(FilterErrorKind.InvalidQualifier, "illegal qualifier of 'port'");
                var found = cx.Names?.LookupPort(name)
                    ?? throw cx.Error(FilterErrorKind.UnknownName, $"unknown port '{name}'");
                var proto = CheckPortProto(cx, q.Proto, found.Protocol, $"port '{name}'");
                CheckPortNumber(cx, found.Port);
                return Ports.AnyFamily(cx, (uint)found.Port, proto, q.Dir);
            }
            case AddrQualifier.PortRange:
            {
                if (q.Proto is not (ProtoQualifier.Default or ProtoQualifier.Udp or ProtoQualifier.Tcp or ProtoQualifier.Sctp))
                    throw cx.Error(FilterErrorKind.InvalidQualifier, "illegal qualifier of 'portrange'");
                var (p1, p2, realProto) = ParsePortRange(cx, name)
                    ?? throw cx.Error(FilterErrorKind.UnknownName, $"unknown port in range '{name}'");
                var proto = CheckPortProto(cx, q.Proto, realProto, $"port in range '{name}'");
                CheckPortNumber(cx, p1);
                CheckPortNumber(cx, p2);
                return Ports.AnyFamilyRange(cx, (uint)p1, (uint)p2, proto, q.Dir);
            }
            case AddrQualifier.Gateway:
                throw cx.Error(FilterErrorKind.InvalidQualifier, "'gateway' not supported in this configuration");
            case AddrQualifier.Proto:
            {
                var v = Protocols.LookupProto(cx, name, q.Proto);
                if (v < 0)
                    throw cx.Error(FilterErrorKind.UnknownName, $"unknown protocol: {name}");
                return Protocols.Proto(cx, (uint)v, q.Proto, q.Dir);
            }
            case AddrQualifier.Protochain:
            {
                var v = Protocols.LookupProto(cx, name, q.Proto);
                if (v < 0)
                    throw cx.Error(FilterErrorKind.UnknownName, $"unknown protocol: {name}");
                return Protochain.Generate(cx, (uint)v, q.Proto);
            }
            default:
                throw Syntax(cx);
        }
    }

    private static void CheckPortNumber(CodeGenContext cx, int port)
    {
        if (port < 0)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, $"illegal port number {port} < 0");
        if (port > 65535)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, $"illegal port number {port} > 65535");
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
            throw cx.Error(FilterErrorKind.InvalidQualifier, $"{what} is {realName}");
        }
        _ = name;
        return wanted;
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
    private static bool TryScanInt(string s, out int value)
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
                LinkType.FDDI => "FDDI",
                LinkType.IEEE802 => "token ring",
                LinkType.IEEE802_11 or LinkType.PRISM_HEADER or LinkType.IEEE802_11_RADIO_AVS
                    or LinkType.IEEE802_11_RADIO or LinkType.PPI => "802.11",
                LinkType.IP_OVER_FC => "Fibre Channel",
                _ => throw cx.Error(FilterErrorKind.UnsupportedForLinkType,
                    "only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name"),
            };
            var mac = cx.Names?.LookupEther(name)
                ?? throw cx.Error(FilterErrorKind.UnknownName, $"unknown {what} host '{name}'");
            return MacAddresses.LinkHost(cx, mac, q.Dir)!;
        }
        if (proto == ProtoQualifier.Decnet)
            throw cx.Error(FilterErrorKind.UnknownName, $"decnet name support not included, '{name}' cannot be translated\n");

        var addrs = cx.Names?.LookupHost(name) ?? [];
        if (addrs.Count == 0)
            throw cx.Error(FilterErrorKind.UnknownName, $"unknown host '{name}'");
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
                tmp = Hosts.Host(cx, ToUInt(a), 0xffffffff, tproto, q.Dir, q.Addr);
            }
            else if (a.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (tproto6 == ProtoQualifier.IP)
                    continue;
                tmp = Hosts.Host6(cx, Words(a.GetAddressBytes()), [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], tproto6, q.Dir, q.Addr);
            }
            else
                continue;
            b = b == null ? tmp : Or(b, tmp);
        }
        return b ?? throw cx.Error(FilterErrorKind.UnknownName,
            $"unknown host '{name}'{(proto == ProtoQualifier.Default ? "" : " for specified address family")}");
    }

    private static uint ToUInt(IPAddress a) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    private static uint[] Words(byte[] b) =>
    [
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(0)),
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(4)),
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(8)),
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(12)),
    ];

    /// <summary>Dotted IPv4 with 1-4 parts, as a value and a bit length (libpcap's __pcap_atoin); -1 when invalid.</summary>
    public static int AtoIn(string s, out uint addr)
    {
        addr = 0;
        var len = 0;
        var i = 0;
        while (true)
        {
            uint n = 0;
            while (i < s.Length && s[i] != '.')
            {
                if (n > 25)
                    return -1;
                n = unchecked(n * 10 + (uint)(s[i++] - '0'));
            }
            if (n > 255)
                return -1;
            addr = (addr << 8) | (n & 0xff);
            len += 8;
            if (i >= s.Length)
                return len;
            i++;
        }
    }

    /// <summary>A number or dotted address id (libpcap's gen_ncode); <paramref name="text"/> null for a plain number.</summary>
    public static Cond Number(CodeGenContext cx, string? text, uint v, Qualifiers q)
    {
        var proto = q.Proto;
        int vlen;
        if (text == null)
            vlen = 32;
        else if (proto == ProtoQualifier.Decnet)
        {
            vlen = AtoDn(text, out v);
            if (vlen == 0)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, $"malformed decnet address '{text}'");
        }
        else
        {
            vlen = AtoIn(text, out v);
            if (vlen < 0)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{text}'");
        }
        switch (q.Addr)
        {
            case AddrQualifier.Default:
            case AddrQualifier.Host:
            case AddrQualifier.Net:
                if (proto == ProtoQualifier.Decnet)
                    return Hosts.Host(cx, v, 0, proto, q.Dir, q.Addr);
                if (proto == ProtoQualifier.Link)
                    throw cx.Error(FilterErrorKind.InvalidQualifier, "illegal link layer address");
                var mask = 0xffffffffu;
                if (text == null && q.Addr == AddrQualifier.Net)
                {
                    // "net 10": the number's significant bytes are the network.
                    while (v != 0 && (v & 0xff000000) == 0)
                    {
                        v <<= 8;
                        mask <<= 8;
                    }
                }
                else
                {
                    v = ShiftLeft(v, 32 - vlen);
                    mask = ShiftLeft(mask, 32 - vlen);
                }
                return Hosts.Host(cx, v, mask, proto, q.Dir, q.Addr);
            case AddrQualifier.Port:
            {
                var ipProto = PortProto(cx, proto, "port");
                if (v > 65535)
                    throw cx.Error(FilterErrorKind.ValueOutOfRange, $"illegal port number {v} > 65535");
                return Ports.AnyFamily(cx, v, ipProto, q.Dir);
            }
            case AddrQualifier.PortRange:
            {
                var ipProto = PortProto(cx, proto, "portrange");
                if (v > 65535)
                    throw cx.Error(FilterErrorKind.ValueOutOfRange, $"illegal port number {v} > 65535");
                return Ports.AnyFamilyRange(cx, v, v, ipProto, q.Dir);
            }
            case AddrQualifier.Gateway:
                throw cx.Error(FilterErrorKind.InvalidQualifier, "'gateway' requires a name");
            case AddrQualifier.Proto:
                return Protocols.Proto(cx, v, proto, q.Dir);
            case AddrQualifier.Protochain:
                return Protochain.Generate(cx, v, proto);
            default:
                throw Syntax(cx);
        }
    }

    // C's shift by 32 is undefined; on x86 it shifts by 0, which is what libpcap gets for a 0-bit length.
    private static uint ShiftLeft(uint v, int n) => v << (n & 31);

    private static int PortProto(CodeGenContext cx, ProtoQualifier proto, string what) => proto switch
    {
        ProtoQualifier.Udp => (int)IpProto.Udp,
        ProtoQualifier.Tcp => (int)IpProto.Tcp,
        ProtoQualifier.Sctp => (int)IpProto.Sctp,
        ProtoQualifier.Default => Ports.AnyTransport,
        _ => throw cx.Error(FilterErrorKind.InvalidQualifier, $"illegal qualifier of '{what}'"),
    };

    // "area.node" (libpcap's __pcap_atodn); 0 when not of that form.
    private static int AtoDn(string s, out uint addr)
    {
        addr = 0;
        var dot = s.IndexOf('.');
        if (dot < 0 || !TryScanInt(s[..dot], out var area) || !TryScanInt(s[(dot + 1)..], out var node))
            return 0;
        addr = (((uint)area << 10) & 0xfc00) | ((uint)node & 0x3ff);
        return 32;
    }

    /// <summary>An IPv4 network with a mask or prefix length (libpcap's gen_mcode).</summary>
    public static Cond Masked(CodeGenContext cx, string address, string? maskText, uint maskLength, Qualifiers q)
    {
        var nlen = AtoIn(address, out var n);
        if (nlen < 0)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{address}'");
        n = ShiftLeft(n, 32 - nlen);
        uint m;
        if (maskText != null)
        {
            var mlen = AtoIn(maskText, out m);
            if (mlen < 0)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{maskText}'");
            m = ShiftLeft(m, 32 - mlen);
            if ((n & ~m) != 0)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address} mask {maskText}\"");
        }
        else
        {
            if (maskLength > 32)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, "mask length must be <= 32");
            m = maskLength == 0 ? 0 : 0xffffffff << (int)(32 - maskLength);
            if ((n & ~m) != 0)
                throw cx.Error(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address}/{maskLength}\"");
        }
        if (q.Addr != AddrQualifier.Net)
            throw cx.Error(FilterErrorKind.InvalidQualifier, "Mask syntax for networks only");
        return Hosts.Host(cx, n, m, q.Proto, q.Dir, q.Addr);
    }

    /// <summary>An IPv6 address or network (libpcap's gen_mcode6).</summary>
    public static Cond Ipv6(CodeGenContext cx, string address, uint maskLength, Qualifiers q)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, $"invalid ip6 address {address}");
        if (maskLength > 128)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, "mask length must be <= 128");
        var maskBytes = new byte[16];
        for (var i = 0; i < maskLength / 8; i++)
            maskBytes[i] = 0xff;
        if (maskLength % 8 != 0)
            maskBytes[maskLength / 8] = (byte)(0xff << (int)(8 - maskLength % 8));
        var a = Words(ip.GetAddressBytes());
        var m = Words(maskBytes);
        if ((a[0] & ~m[0]) != 0 || (a[1] & ~m[1]) != 0 || (a[2] & ~m[2]) != 0 || (a[3] & ~m[3]) != 0)
            throw cx.Error(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address}/{maskLength}\"");
        switch (q.Addr)
        {
            case AddrQualifier.Default:
            case AddrQualifier.Host:
                if (maskLength != 128)
                    throw cx.Error(FilterErrorKind.InvalidQualifier, "Mask syntax for networks only");
                return Hosts.Host6(cx, a, m, q.Proto, q.Dir, q.Addr);
            case AddrQualifier.Net:
                return Hosts.Host6(cx, a, m, q.Proto, q.Dir, q.Addr);
            default:
                throw cx.Error(FilterErrorKind.InvalidQualifier, "invalid qualifier against IPv6 address");
        }
    }
}
