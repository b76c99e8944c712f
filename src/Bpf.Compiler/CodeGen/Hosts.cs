using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>IPv4, IPv6 and DECnet address tests (libpcap's gen_host, gen_host6, gen_hostop*, gen_dnhostop).</summary>
internal static class Hosts
{
    private static Cond BothDirections(DirQualifier dir, Func<DirQualifier, Cond> op) => dir == DirQualifier.And
        ? And(op(DirQualifier.Src), op(DirQualifier.Dst))
        : Or(op(DirQualifier.Src), op(DirQualifier.Dst));

    private static bool CheckAddressDirection(CodeGenContext cx, DirQualifier dir)
    {
        var error = cx.Head ? QualifierNames.HeadWirelessOnly(dir) : QualifierNames.Wireless80211Only(dir, "addresses other than 802.11 MAC addresses");
        if (error == null)
            return true;
        cx.Fail(FilterErrorKind.InvalidQualifier, error);
        return false;
    }

    /// <summary>(address &amp; mask) at the source/destination offsets of a protocol carried in <paramref name="llProto"/>.</summary>
    private static Cond HostOp(CodeGenContext cx, uint addr, uint mask, DirQualifier dir, uint llProto, uint srcOff, uint dstOff)
    {
        if (!CheckAddressDirection(cx, dir))
            return CodeGenContext.Placeholder;
        if (dir is DirQualifier.And or DirQualifier.Or or DirQualifier.Default)
            return BothDirections(dir, d => HostOp(cx, addr, mask, d, llProto, srcOff, dstOff));
        var offset = dir == DirQualifier.Src ? srcOff : dstOff;
        var b0 = cx.LinkProto(llProto);
        return And(b0, cx.MCmp(OffsetBase.LinkPayload, offset, Opcodes.W, addr, mask));
    }

    private static Cond HostOp6(CodeGenContext cx, uint[] addr, uint[] mask, DirQualifier dir, uint srcOff, uint dstOff)
    {
        if (!CheckAddressDirection(cx, dir))
            return CodeGenContext.Placeholder;
        if (dir is DirQualifier.And or DirQualifier.Or or DirQualifier.Default)
            return BothDirections(dir, d => HostOp6(cx, addr, mask, d, srcOff, dstOff));
        var offset = dir == DirQualifier.Src ? srcOff : dstOff;
        // Compared from the last word to the first, then the link-layer test goes in front.
        var b1 = cx.MCmp(OffsetBase.LinkPayload, offset + 12, Opcodes.W, addr[3], mask[3]);
        b1 = And(cx.MCmp(OffsetBase.LinkPayload, offset + 8, Opcodes.W, addr[2], mask[2]), b1);
        b1 = And(cx.MCmp(OffsetBase.LinkPayload, offset + 4, Opcodes.W, addr[1], mask[1]), b1);
        b1 = And(cx.MCmp(OffsetBase.LinkPayload, offset + 0, Opcodes.W, addr[0], mask[0]), b1);
        return And(cx.LinkProto(EtherType.IPv6), b1);
    }

    // The head's gen_hostop: the address test alone, both directions combined, no link-layer test.
    private static Cond HeadHostOp(CodeGenContext cx, uint addr, uint mask, DirQualifier dir, uint srcOff, uint dstOff) => dir switch
    {
        DirQualifier.Src => cx.MCmp(OffsetBase.LinkPayload, srcOff, Opcodes.W, addr, mask),
        DirQualifier.Dst => cx.MCmp(OffsetBase.LinkPayload, dstOff, Opcodes.W, addr, mask),
        DirQualifier.And => And(HeadHostOp(cx, addr, mask, DirQualifier.Src, srcOff, dstOff), HeadHostOp(cx, addr, mask, DirQualifier.Dst, srcOff, dstOff)),
        _ => Or(HeadHostOp(cx, addr, mask, DirQualifier.Src, srcOff, dstOff), HeadHostOp(cx, addr, mask, DirQualifier.Dst, srcOff, dstOff)),
    };

    private static Cond HeadHostOp6(CodeGenContext cx, uint[] addr, uint[] mask, DirQualifier dir)
    {
        switch (dir)
        {
            case DirQualifier.And:
                return And(HeadHostOp6(cx, addr, mask, DirQualifier.Src), HeadHostOp6(cx, addr, mask, DirQualifier.Dst));
            case DirQualifier.Or:
            case DirQualifier.Default:
                return Or(HeadHostOp6(cx, addr, mask, DirQualifier.Src), HeadHostOp6(cx, addr, mask, DirQualifier.Dst));
        }
        var offset = dir == DirQualifier.Src ? 8u : 24u;
        var b1 = Loads.True(cx);
        for (var i = 3; i >= 0; i--)
            b1 = And(cx.MCmp(OffsetBase.LinkPayload, offset + 4 * (uint)i, Opcodes.W, addr[i], mask[i]), b1);
        return b1;
    }

    /// <summary>
    /// The head's gen_host: one link-layer test per protocol for all of a name's addresses ("Test
    /// link protocol once per AF, not per address"), the addresses ored after it; <paramref name="not"/>
    /// negates the addresses but not the protocol (gateway).
    /// </summary>
    public static Cond HeadHost(CodeGenContext cx, uint[] addrs, uint[] masks, ProtoQualifier proto, DirQualifier dir, AddrQualifier type, bool not = false,
        string? context = null)
    {
        if (!CheckAddressDirection(cx, dir))
            return CodeGenContext.Placeholder;
        uint llProto, srcOff, dstOff;
        switch (proto)
        {
            case ProtoQualifier.Default:
                var b0 = HeadHost(cx, addrs, masks, ProtoQualifier.IP, dir, type, not);
                if (cx.LabelStackDepth == 0)
                {
                    var b1 = Or(b0, HeadHost(cx, addrs, masks, ProtoQualifier.Arp, dir, type, not));
                    b0 = Or(b1, HeadHost(cx, addrs, masks, ProtoQualifier.Rarp, dir, type, not));
                }
                return b0;
            case ProtoQualifier.IP:
                (llProto, srcOff, dstOff) = (EtherType.IP, 12, 16);
                break;
            case ProtoQualifier.Rarp:
                (llProto, srcOff, dstOff) = (EtherType.RevArp, 14, 24);
                break;
            case ProtoQualifier.Arp:
                (llProto, srcOff, dstOff) = (EtherType.Arp, 14, 24);
                break;
            default:
                return Host(cx, addrs[0], masks[0], proto, dir, type, context);
        }
        var linkProto = cx.LinkProto(llProto);
        // A link type without ARP: the constant false stands for the whole test (no address loads).
        if (linkProto.Meaning == CondMeaning.False)
            return linkProto;
        var hosts = Loads.False(cx);
        for (var i = 0; i < addrs.Length; i++)
            hosts = Or(hosts, HeadHostOp(cx, addrs[i], masks[i], dir, srcOff, dstOff));
        return And(linkProto, not ? Not(hosts) : hosts);
    }

    /// <summary>The head's gen_host6: one IPv6 link-layer test, then any of the addresses.</summary>
    public static Cond HeadHost6(CodeGenContext cx, uint[][] addrs, uint[][] masks, ProtoQualifier proto, DirQualifier dir, AddrQualifier type, bool not = false)
    {
        if (!CheckAddressDirection(cx, dir))
            return CodeGenContext.Placeholder;
        if (proto is not (ProtoQualifier.Default or ProtoQualifier.IPv6))
            return Host6(cx, addrs[0], masks[0], proto, dir, type);
        var linkProto = cx.LinkProto(EtherType.IPv6);
        var hosts = Loads.False(cx);
        for (var i = 0; i < addrs.Length; i++)
            hosts = Or(hosts, HeadHostOp6(cx, addrs[i], masks[i], dir));
        return And(linkProto, not ? Not(hosts) : hosts);
    }

    /// <summary>
    /// <c>host</c>/<c>net</c> for an IPv4 address (or a DECnet address with <c>decnet</c>); the head
    /// names <c>headContext</c> (e.g. "net &lt;IPv4 prefix&gt;", default "host &lt;IPv4 address&gt;") in
    /// its error for another protocol qualifier.
    /// </summary>
    public static Cond Host(CodeGenContext cx, uint addr, uint mask, ProtoQualifier proto, DirQualifier dir, AddrQualifier type, string? headContext = null)
    {
        var typeName = type == AddrQualifier.Net ? "net" : "host";
        if (cx.Head && proto is ProtoQualifier.Default or ProtoQualifier.IP or ProtoQualifier.Arp or ProtoQualifier.Rarp)
            return HeadHost(cx, [addr], [mask], proto, dir, type);
        if (cx.Head && proto != ProtoQualifier.Decnet)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'{QualifierNames.Keyword(proto)}' is not a valid qualifier for '{headContext ?? typeName + " <IPv4 address>"}'");
        switch (proto)
        {
            case ProtoQualifier.Default:
                var b0 = Host(cx, addr, mask, ProtoQualifier.IP, dir, type);
                if (cx.LabelStackDepth == 0)
                {
                    // Outside MPLS, ARP and RARP packets carry IPv4 addresses too.
                    var b1 = Or(b0, Host(cx, addr, mask, ProtoQualifier.Arp, dir, type));
                    b0 = Or(b1, Host(cx, addr, mask, ProtoQualifier.Rarp, dir, type));
                }
                return b0;
            case ProtoQualifier.Link:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"link-layer modifier applied to {typeName}");
            case ProtoQualifier.IP:
                return HostOp(cx, addr, mask, dir, EtherType.IP, 12, 16);
            case ProtoQualifier.Rarp:
                return HostOp(cx, addr, mask, dir, EtherType.RevArp, 14, 24);
            case ProtoQualifier.Arp:
                return HostOp(cx, addr, mask, dir, EtherType.Arp, 14, 24);
            case ProtoQualifier.Decnet:
                return DecnetHostOp(cx, addr, dir);
            case ProtoQualifier.Atalk:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "AppleTalk host filtering not implemented");
            case ProtoQualifier.Lat:
            case ProtoQualifier.Sca:
            case ProtoQualifier.Moprc:
            case ProtoQualifier.Mopdl:
            case ProtoQualifier.Aarp:
            case ProtoQualifier.Iso:
            case ProtoQualifier.Ipx:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"{QualifierNames.Keyword(proto).ToUpperInvariant()} host filtering not implemented");
            case ProtoQualifier.IPv6:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "'ip6' modifier applied to ip host");
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'{QualifierNames.Keyword(proto)}' modifier applied to {typeName}");
        }
    }

    /// <summary><c>host</c>/<c>net</c> for an IPv6 address and mask (four big-endian words each).</summary>
    public static Cond Host6(CodeGenContext cx, uint[] addr, uint[] mask, ProtoQualifier proto, DirQualifier dir, AddrQualifier type)
    {
        var typeName = type == AddrQualifier.Net ? "net" : "host";
        if (cx.Head && proto is ProtoQualifier.Default or ProtoQualifier.IPv6)
            return HeadHost6(cx, [addr], [mask], proto, dir, type);
        switch (proto)
        {
            case ProtoQualifier.Default:
            case ProtoQualifier.IPv6:
                return HostOp6(cx, addr, mask, dir, 8, 24);
            case ProtoQualifier.Link:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"link-layer modifier applied to ip6 {typeName}");
            case ProtoQualifier.Atalk:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"AppleTalk modifier applied to ip6 {typeName}");
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'{QualifierNames.Keyword(proto)}' modifier applied to ip6 {typeName}");
        }
    }

    /// <summary>
    /// <c>decnet [src|dst] host AREA.NODE</c> as the head compiles it (gen_dnhost): only host qualifiers,
    /// only AREA.NODE with area &lt;= 63 and node &lt;= 1023, one DECnet EtherType test for both directions,
    /// and a destination in a short header compared with its flags in one 32-bit load.
    /// </summary>
    public static Cond HeadDecnetHost(CodeGenContext cx, string? text, uint v, Qualifiers q)
    {
        if (QualifierNames.HeadWirelessOnly(q.Dir) is { } wireless)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, wireless);
        if (q.Addr is not (AddrQualifier.Default or AddrQualifier.Host))
            return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'decnet' is not a valid qualifier for '{q.Addr.ToString().ToLowerInvariant()}'");
        if (text == null)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid DECnet address '{v}'");
        if (HeadAtoDn(text) is not { } addr)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"invalid DECnet address '{text}'");
        var b0 = cx.LinkProto(EtherType.Dn);
        return And(b0, DecnetHostOp(cx, addr, q.Dir));
    }

    // pcapint_atodn: exactly AREA.NODE in decimal, area <= 63, node <= 1023.
    private static uint? HeadAtoDn(string s)
    {
        var dot = s.IndexOf('.');
        if (dot <= 0 || dot == s.Length - 1)
            return null;
        uint area = 0, node = 0;
        for (var i = 0; i < dot; i++)
        {
            if (s[i] is < '0' or > '9' || (area = area * 10 + (uint)(s[i] - '0')) > 63)
                return null;
        }
        for (var i = dot + 1; i < s.Length; i++)
        {
            if (s[i] is < '0' or > '9' || (node = node * 10 + (uint)(s[i] - '0')) > 1023)
                return null;
        }
        return (area << 10) | node;
    }

    /// <summary>
    /// A DECnet node address in the short or long data-packet header (libpcap's gen_dnhostop). 1.10
    /// tests the DECnet EtherType in each direction; the head's caller tests it once, and the head
    /// compares a destination in a short header with its flags in one 32-bit load.
    /// </summary>
    private static Cond DecnetHostOp(CodeGenContext cx, uint addr, DirQualifier dir)
    {
        uint offsetSh, offsetLh;
        switch (dir)
        {
            case DirQualifier.Dst:
                offsetSh = 1;
                offsetLh = 7;
                break;
            case DirQualifier.Src:
                offsetSh = 3;
                offsetLh = 15;
                break;
            case DirQualifier.And:
            case DirQualifier.Or:
            case DirQualifier.Default:
                return BothDirections(dir, d => DecnetHostOp(cx, addr, d));
            default:
                if (!CheckAddressDirection(cx, dir))
                    return CodeGenContext.Placeholder;
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "syntax error in filter expression");
        }
        // DECnet addresses are little-endian on the wire.
        var swapped = (uint)(ushort)(((addr & 0xff) << 8) | ((addr >> 8) & 0xff));
        Cond? b0 = cx.Head ? null : cx.LinkProto(EtherType.Dn);
        // Long header with padding, long header, short header with padding, short header.
        var tmp = cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.H, 0x8106, 0xff07);
        var b1 = And(tmp, cx.Cmp(OffsetBase.LinkPayload, 2 + 1 + offsetLh, Opcodes.H, swapped));
        tmp = cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.B, 0x06, 0x07);
        var b2 = And(tmp, cx.Cmp(OffsetBase.LinkPayload, 2 + offsetLh, Opcodes.H, swapped));
        b1 = Or(b2, b1);
        var wordDst = cx.Head && dir == DirQualifier.Dst;
        b2 = wordDst
            ? cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.W, 0x81020000 | swapped, 0xff07ffff)
            : And(cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.H, 0x8102, 0xff07), cx.Cmp(OffsetBase.LinkPayload, 2 + 1 + offsetSh, Opcodes.H, swapped));
        b1 = Or(b2, b1);
        b2 = wordDst
            ? cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.W, 0x02000000 | (swapped << 8), 0x07ffff00)
            : And(cx.MCmp(OffsetBase.LinkPayload, 2, Opcodes.B, 0x02, 0x07), cx.Cmp(OffsetBase.LinkPayload, 2 + offsetSh, Opcodes.H, swapped));
        b1 = Or(b2, b1);
        return b0 is { } dn ? And(dn, b1) : b1;
    }
}
