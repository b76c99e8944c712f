using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Link-level address tests: MAC addresses on Ethernet, FDDI, Token Ring, 802.11 and IP-over-FC,
/// one-byte ARCnet addresses, and <c>broadcast</c>/<c>multicast</c> (libpcap's gen_*hostop, gen_broadcast, gen_multicast).
/// </summary>
internal static class MacAddresses
{
    private const string LinkList = "ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel";

    // Source and destination offsets of the address fields per frame format.
    private static Cond FixedHostOp(CodeGenContext cx, byte[] mac, DirQualifier dir, uint srcOff, uint dstOff, string suffix)
    {
        switch (dir)
        {
            case DirQualifier.Src:
                return cx.BCmp(OffsetBase.LinkHeader, srcOff, mac);
            case DirQualifier.Dst:
                return cx.BCmp(OffsetBase.LinkHeader, dstOff, mac);
            case DirQualifier.And:
                return And(FixedHostOp(cx, mac, DirQualifier.Src, srcOff, dstOff, suffix), FixedHostOp(cx, mac, DirQualifier.Dst, srcOff, dstOff, suffix));
            case DirQualifier.Default:
            case DirQualifier.Or:
                return Or(FixedHostOp(cx, mac, DirQualifier.Src, srcOff, dstOff, suffix), FixedHostOp(cx, mac, DirQualifier.Dst, srcOff, dstOff, suffix));
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier,
                    (cx.Head ? QualifierNames.HeadWirelessOnly(dir) : QualifierNames.MacOnly80211(dir, suffix)) ?? "syntax error in filter expression");
        }
    }

    /// <summary>Ethernet source at 6, destination at 0.</summary>
    public static Cond EtherHost(CodeGenContext cx, byte[] mac, DirQualifier dir) => FixedHostOp(cx, mac, dir, 6, 0, " with 802.11 headers");

    /// <summary>FDDI: after the frame-control byte.</summary>
    public static Cond FddiHost(CodeGenContext cx, byte[] mac, DirQualifier dir) => FixedHostOp(cx, mac, dir, 7, 1, "");

    /// <summary>Token Ring: after access and frame control.</summary>
    public static Cond TokenRingHost(CodeGenContext cx, byte[] mac, DirQualifier dir) => FixedHostOp(cx, mac, dir, 8, 2, "");

    /// <summary>IP over Fibre Channel (RFC 2625 network header).</summary>
    public static Cond FcHost(CodeGenContext cx, byte[] mac, DirQualifier dir) => FixedHostOp(cx, mac, dir, 10, 2, "");

    /// <summary>ARCnet: one-byte source at 0, destination at 1.</summary>
    public static Cond ArcnetHost(CodeGenContext cx, byte[] addr, DirQualifier dir) => FixedHostOp(cx, addr[..1], dir, 0, 1, "");

    /// <summary>
    /// A one-byte station address (the head's gen_mac8host): ARCnet (source at 0, destination at 1) and
    /// BACnet MS/TP (destination at 3, source at 4).
    /// </summary>
    public static Cond Mac8Host(CodeGenContext cx, byte address, DirQualifier dir, string context) => cx.LinkType switch
    {
        LinkType.ARCNET or LinkType.ARCNET_LINUX => FixedHostOp(cx, [address], dir, 0, 1, ""),
        LinkType.BACNET_MS_TP => FixedHostOp(cx, [address], dir, 4, 3, ""),
        _ => cx.Refuse(cx.NotOnLinkType(context, "")),
    };

    /// <summary>A MAC address test for the current link type, or null when it has no MAC addresses.</summary>
    public static Cond? LinkHost(CodeGenContext cx, byte[] mac, DirQualifier dir)
    {
        switch (cx.LinkType)
        {
            case LinkType.EN10MB:
            case LinkType.NETANALYZER:
            case LinkType.NETANALYZER_TRANSPARENT:
            case LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head:
                var tmp = cx.PrevLinkHeaderCheck();
                return AndOptional(tmp, EtherHost(cx, mac, dir));
            case LinkType.FDDI:
                return FddiHost(cx, mac, dir);
            case LinkType.IEEE802:
                return TokenRingHost(cx, mac, dir);
            case LinkType.IEEE802_11:
            case LinkType.PRISM_HEADER:
            case LinkType.IEEE802_11_RADIO_AVS:
            case LinkType.IEEE802_11_RADIO:
            case LinkType.PPI:
                return WirelessFields.HostOp(cx, mac, dir);
            case LinkType.IP_OVER_FC:
                return FcHost(cx, mac, dir);
            default:
                return null;
        }
    }

    /// <summary><c>ether host 01:02:03:04:05:06</c> (libpcap's gen_ecode).</summary>
    public static Cond EtherAddress(CodeGenContext cx, string text, Qualifiers q)
    {
        if (q.Addr is AddrQualifier.Host or AddrQualifier.Default && q.Proto == ProtoQualifier.Link)
        {
            var mac = ParseMac(text);
            return LinkHost(cx, mac, q.Dir)
                ?? cx.Refuse(cx.NotOnLinkType("link host XX:XX:XX:XX:XX:XX", $"ethernet addresses supported only on {LinkList}"));
        }
        return cx.Refuse(FilterErrorKind.InvalidQualifier, "ethernet address used in non-ether expression");
    }

    /// <summary>
    /// <c>link host $1f</c> (libpcap's gen_acode). libpcap parses the text including its '$', which
    /// turns into a high nibble: reproduced for identical programs.
    /// </summary>
    public static Cond ArcnetAddress(CodeGenContext cx, string text, Qualifiers q)
    {
        if (cx.Head)
        {
            // The head's gen_acode: MAC-8 addresses also on BACnet MS/TP.
            if (q.Addr is not (AddrQualifier.Host or AddrQualifier.Default))
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "'" + q.Addr.ToString().ToLowerInvariant() + "' is not a valid qualifier for '$XX'");
            if (q.Proto != ProtoQualifier.Link)
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "'link' is the only valid proto qualifier for 'host $XX'");
            return Mac8Host(cx, Convert.ToByte(text.TrimStart('$'), 16), q.Dir, "link host $XX");
        }
        if (cx.LinkType is not (LinkType.ARCNET or LinkType.ARCNET_LINUX))
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, "aid supported only on ARCnet");
        if (q.Addr is AddrQualifier.Host or AddrQualifier.Default && q.Proto == ProtoQualifier.Link)
            // The head parses the hex digits after '$' ("Fix ARCnet address parsing"); 1.10 ran
            // the whole token, '$' included, through pcap_ether_aton.
            return ArcnetHost(cx, cx.Head ? [Convert.ToByte(text.TrimStart('$'), 16)] : ParseMac(text), q.Dir);
        return cx.Refuse(FilterErrorKind.InvalidQualifier, "ARCnet address used in non-arc expression");
    }

    /// <summary>Hex digit pairs with optional ':', '.', '-' separators (libpcap's pcap_ether_aton).</summary>
    public static byte[] ParseMac(string s)
    {
        var result = new List<byte>(6);
        var i = 0;
        while (i < s.Length)
        {
            if (s[i] is ':' or '.' or '-')
                i++;
            if (i >= s.Length)
                break;
            var d = HexValue(s[i++]);
            if (i < s.Length && Uri.IsHexDigit(s[i]))
                d = (d << 4) | HexValue(s[i++]);
            result.Add((byte)d);
        }
        while (result.Count < 6)
            result.Add(0);
        return [.. result];
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static readonly byte[] s_broadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    private static readonly byte[] s_arcBroadcast = [0x00];

    /// <summary><c>[ether|ip] broadcast</c>.</summary>
    public static Cond Broadcast(CodeGenContext cx, ProtoQualifier proto)
    {
        switch (proto)
        {
            case ProtoQualifier.Default:
            case ProtoQualifier.Link:
                if (cx.LinkType is LinkType.ARCNET or LinkType.ARCNET_LINUX)
                    return ArcnetHost(cx, s_arcBroadcast, DirQualifier.Dst);
                // The head: MS/TP broadcast is destination station 0xFF.
                if (cx.Head && cx.LinkType == LinkType.BACNET_MS_TP)
                    return Mac8Host(cx, 0xff, DirQualifier.Dst, "broadcast");
                return LinkHost(cx, s_broadcast, DirQualifier.Dst)
                    ?? cx.Refuse(cx.NotOnLinkType("broadcast", "not a broadcast link"));
            case ProtoQualifier.IP:
                if (cx.Netmask == CodeGenOptions.NetmaskUnknown)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, "netmask not known, so 'ip broadcast' not supported");
                var b0 = cx.LinkProto(EtherType.IP);
                var hostmask = ~cx.Netmask;
                var b1 = cx.MCmp(OffsetBase.LinkPayload, 16, Opcodes.W, 0, hostmask);
                var b2 = Or(b1, cx.MCmp(OffsetBase.LinkPayload, 16, Opcodes.W, hostmask, hostmask));
                return And(b0, b2);
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, cx.Head
                    ? $"'{QualifierNames.Keyword(proto)}' is not a valid qualifier for 'broadcast'" : "only link-layer/IP broadcast filters supported");
        }
    }

    private static Cond GroupBit(CodeGenContext cx, uint offset) =>
        Loads.JSet(cx, cx.LoadA(OffsetBase.LinkHeader, offset, Opcodes.B), 1);

    private static Cond FcJSet(CodeGenContext cx, uint offset, uint bits) =>
        Loads.JSet(cx, cx.LoadA(OffsetBase.LinkHeader, offset, Opcodes.B), bits);

    /// <summary><c>[ether|ip|ip6] multicast</c>.</summary>
    public static Cond Multicast(CodeGenContext cx, ProtoQualifier proto)
    {
        switch (proto)
        {
            case ProtoQualifier.Default:
            case ProtoQualifier.Link:
                switch (cx.LinkType)
                {
                    case LinkType.ARCNET:
                    case LinkType.ARCNET_LINUX:
                        return ArcnetHost(cx, s_arcBroadcast, DirQualifier.Dst);
                    case LinkType.EN10MB:
                    case LinkType.NETANALYZER:
                    case LinkType.NETANALYZER_TRANSPARENT:
                    case LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head:
                        var check = cx.PrevLinkHeaderCheck();
                        return AndOptional(check, GroupBit(cx, 0));
                    case LinkType.FDDI:
                        return GroupBit(cx, 1);
                    case LinkType.IEEE802:
                        return GroupBit(cx, 2);
                    case LinkType.IEEE802_11:
                    case LinkType.PRISM_HEADER:
                    case LinkType.IEEE802_11_RADIO_AVS:
                    case LinkType.IEEE802_11_RADIO:
                    case LinkType.PPI:
                        return WirelessMulticast(cx);
                    case LinkType.IP_OVER_FC:
                        return GroupBit(cx, 2);
                }
                break;
            case ProtoQualifier.IP:
                var b0 = cx.LinkProto(EtherType.IP);
                // The head: only 224.0.0.0/4 (1.10 took every address from 224 up, 240/4 included).
                return And(b0, cx.Head ? cx.MCmp(OffsetBase.LinkPayload, 16, Opcodes.B, 0xe0, 0xf0)
                    : cx.CmpGe(OffsetBase.LinkPayload, 16, Opcodes.B, 224));
            case ProtoQualifier.IPv6:
                var b6 = cx.LinkProto(EtherType.IPv6);
                return And(b6, cx.Cmp(OffsetBase.LinkPayload, 24, Opcodes.B, 255));
            default:
                // The head names the qualifier; 1.10 gave its link-layer message for any.
                if (cx.Head)
                    return cx.Refuse(FilterErrorKind.InvalidQualifier, $"'{QualifierNames.Keyword(proto)}' is not a valid qualifier for 'multicast'");
                break;
        }
        return cx.Refuse(cx.NotOnLinkType("multicast",
            "link-layer multicast filters supported only on ethernet/FDDI/token ring/ARCNET/802.11/ATM LANE/Fibre Channel"));
    }

    // The destination address is addr3 when going to the DS, addr1 otherwise; data frames only... as libpcap.
    private static Cond WirelessMulticast(CodeGenContext cx)
    {
        var b1 = FcJSet(cx, 1, 0x01);
        var b0 = And(b1, GroupBit(cx, 16));
        var b2 = Not(FcJSet(cx, 1, 0x01));
        b1 = And(b2, GroupBit(cx, 4));
        b0 = Or(b1, b0);
        b1 = FcJSet(cx, 0, 0x08);
        b0 = And(b1, b0);
        b2 = Not(FcJSet(cx, 0, 0x08));
        b1 = And(b2, GroupBit(cx, 4));
        b0 = Or(b1, b0);
        b1 = Not(FcJSet(cx, 0, 0x04));
        return And(b1, b0);
    }
}
