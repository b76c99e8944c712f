using System.Net;
using System.Net.Sockets;
using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Numeric ids with their qualifiers: numbers and dotted addresses (libpcap's gen_ncode), IPv4
/// networks with masks (gen_mcode) and IPv6 addresses and prefixes (gen_mcode6).
/// </summary>
internal static class NumericIds
{
    internal static uint ToUInt(IPAddress a) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes());

    internal static uint[] Words(byte[] b) =>
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
        if (cx.Head && q.Proto == ProtoQualifier.Decnet)
            return Hosts.HeadDecnetHost(cx, text, v, q);
        var proto = q.Proto;
        int vlen;
        if (text == null)
            vlen = 32;
        else if (proto == ProtoQualifier.Decnet)
        {
            vlen = AtoDn(text, out v);
            if (vlen == 0)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"malformed decnet address '{text}'");
        }
        else
        {
            vlen = AtoIn(text, out v);
            if (vlen < 0)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{text}'");
        }
        switch (q.Addr)
        {
            case AddrQualifier.Default:
            case AddrQualifier.Host:
            case AddrQualifier.Net:
                if (proto == ProtoQualifier.Decnet)
                    return Hosts.Host(cx, v, 0, proto, q.Dir, q.Addr);
                if (proto == ProtoQualifier.Link)
                    return cx.Refuse(FilterErrorKind.InvalidQualifier,
                        cx.Head ? $"illegal link-layer address '{text ?? v.ToString(System.Globalization.CultureInfo.InvariantCulture)}'" : "illegal link layer address");
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
                if (!PortRange(cx, v))
                    return CodeGenContext.Placeholder;
                return Ports.AnyFamily(cx, v, ipProto, q.Dir);
            }
            case AddrQualifier.PortRange:
            {
                var ipProto = PortProto(cx, proto, "portrange");
                if (!PortRange(cx, v))
                    return CodeGenContext.Placeholder;
                return Ports.AnyFamilyRange(cx, v, v, ipProto, q.Dir);
            }
            case AddrQualifier.Gateway:
                return cx.Refuse(FilterErrorKind.InvalidQualifier,
                    cx.Head ? $"'gateway' is not a valid qualifier for '{text ?? v.ToString(System.Globalization.CultureInfo.InvariantCulture)}'" : "'gateway' requires a name");
            case AddrQualifier.Proto:
                return Protocols.Proto(cx, v, proto, q.Dir);
            case AddrQualifier.Protochain:
                return Protochain.Generate(cx, v, proto);
            default:
                return cx.Refuse(IdCodes.Syntax(cx));
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
        _ => IllegalQualifier(cx, what),
    };

    private static int IllegalQualifier(CodeGenContext cx, string what)
    {
        cx.Fail(FilterErrorKind.InvalidQualifier, $"illegal qualifier of '{what}'");
        return Ports.AnyTransport;
    }

    // "area.node" (libpcap's __pcap_atodn); 0 when not of that form.
    private static int AtoDn(string s, out uint addr)
    {
        addr = 0;
        var dot = s.IndexOf('.');
        if (dot < 0 || !IdCodes.TryScanInt(s[..dot], out var area) || !IdCodes.TryScanInt(s[(dot + 1)..], out var node))
            return 0;
        addr = (((uint)area << 10) & 0xfc00) | ((uint)node & 0x3ff);
        return 32;
    }

    /// <summary>An IPv4 network with a mask or prefix length (libpcap's gen_mcode).</summary>
    public static Cond Masked(CodeGenContext cx, string address, string? maskText, uint maskLength, Qualifiers q)
    {
        var nlen = AtoIn(address, out var n);
        if (nlen < 0)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{address}'");
        n = ShiftLeft(n, 32 - nlen);
        uint m;
        if (maskText != null)
        {
            var mlen = AtoIn(maskText, out m);
            if (mlen < 0)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid IPv4 address '{maskText}'");
            m = ShiftLeft(m, 32 - mlen);
            if ((n & ~m) != 0)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address} mask {maskText}\"");
        }
        else
        {
            if (maskLength > 32)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, cx.Head ? $"netmask length {maskLength} greater than maximum 32" : "mask length must be <= 32");
            m = maskLength == 0 ? 0 : 0xffffffff << (int)(32 - maskLength);
            if ((n & ~m) != 0)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address}/{maskLength}\"");
        }
        if (q.Addr != AddrQualifier.Net)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, cx.Head
                ? $"'{q.Addr.ToString().ToLowerInvariant()}' is not a valid qualifier for '{(maskText != null ? $"{address} mask {maskText}" : $"{address}/{maskLength}")}'"
                : "Mask syntax for networks only");
        return Hosts.Host(cx, n, m, q.Proto, q.Dir, q.Addr, "net <IPv4 prefix>");
    }

    /// <summary>A port number above 65535 is refused (false, recorded), in each version's words.</summary>
    internal static bool PortRange(CodeGenContext cx, uint port)
    {
        if (port <= 65535)
            return true;
        cx.Fail(FilterErrorKind.ValueOutOfRange, cx.Head ? $"port number {port} greater than maximum 65535" : $"illegal port number {port} > 65535");
        return false;
    }

    /// <summary>An IPv6 address or network (libpcap's gen_mcode6).</summary>
    public static Cond Ipv6(CodeGenContext cx, string address, uint maskLength, Qualifiers q)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid ip6 address {address}");
        if (maskLength > 128)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, "mask length must be <= 128");
        var maskBytes = new byte[16];
        for (var i = 0; i < maskLength / 8; i++)
            maskBytes[i] = 0xff;
        if (maskLength % 8 != 0)
            maskBytes[maskLength / 8] = (byte)(0xff << (int)(8 - maskLength % 8));
        var a = Words(ip.GetAddressBytes());
        var m = Words(maskBytes);
        if ((a[0] & ~m[0]) != 0 || (a[1] & ~m[1]) != 0 || (a[2] & ~m[2]) != 0 || (a[3] & ~m[3]) != 0)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"non-network bits set in \"{address}/{maskLength}\"");
        switch (q.Addr)
        {
            case AddrQualifier.Default:
            case AddrQualifier.Host:
                if (maskLength != 128)
                    return cx.Refuse(FilterErrorKind.InvalidQualifier,
                        cx.Head ? $"'host' is not a valid qualifier for '{address}/{maskLength}'" : "Mask syntax for networks only");
                return Hosts.Host6(cx, a, m, q.Proto, q.Dir, q.Addr);
            case AddrQualifier.Net:
                return Hosts.Host6(cx, a, m, q.Proto, q.Dir, q.Addr);
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "invalid qualifier against IPv6 address");
        }
    }
}
