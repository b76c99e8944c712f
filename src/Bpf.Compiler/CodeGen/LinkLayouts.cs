using Bpf.Vm;
using static Bpf.Compiler.CodeGen.AbsOffset;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Where each link type keeps its type field, its payload and its network-layer header
/// (libpcap's init_linktype), as data: one row per family of link types.
/// </summary>
internal static class LinkLayouts
{
    private const uint N = NotSet;

    /// <summary>A layout row.</summary>
    /// <param name="LinkTypeOffset">Offset of the type field (OFFSET_NOT_SET when none).</param>
    /// <param name="PayloadOffset">Constant part of the link-layer payload offset.</param>
    /// <param name="Nl">Network-layer offset from the payload (with SNAP).</param>
    /// <param name="NlNoSnap">Network-layer offset from the payload without SNAP.</param>
    /// <param name="HeaderOffset">Constant offset of the link-layer header itself.</param>
    /// <param name="VariableHeader">The link-layer header follows a variable-length radio header.</param>
    /// <param name="VariablePayload">The payload offset has a run-time part (802.11, pflog).</param>
    private sealed record Layout(uint LinkTypeOffset, uint PayloadOffset, uint Nl, uint NlNoSnap,
        uint HeaderOffset = 0, bool VariableHeader = false, bool VariablePayload = false);

    private static readonly Layout s_none = new(N, N, N, N);
    private static readonly Layout s_ppp = new(2, 4, 0, 0);
    private static readonly Layout s_raw = new(N, 0, 0, 0);
    private static readonly Layout s_wlan = new(24, 0, 8, 3, VariablePayload: true);
    private static readonly Layout s_wlanRadio = new(24, 0, 8, 3, VariableHeader: true, VariablePayload: true);
    private static readonly Layout s_juniperSimple = new(4, 4, 0, N);
    private static readonly Layout s_juniper8 = new(8, N, N, N);

    private static readonly Dictionary<LinkType, Layout> s_layouts = new()
    {
        [LinkType.ARCNET] = new(2, 6, 0, 0),
        [LinkType.ARCNET_LINUX] = new(4, 8, 0, 0),
        [LinkType.EN10MB] = new(12, 14, 0, 3),
        [LinkType.SLIP] = new(N, 16, 0, 0),
        [LinkType.SLIP_BSDOS] = new(N, 24, 0, 0),
        [LinkType.NULL] = new(0, 4, 0, 0),
        [LinkType.LOOP] = new(0, 4, 0, 0),
        [LinkType.ENC] = new(0, 12, 0, 0),
        [LinkType.PPP] = s_ppp,
        [LinkType.PPP_PPPD] = s_ppp,
        [LinkType.C_HDLC] = s_ppp,
        [(LinkType)112] = s_ppp, // DLT_HDLC (NetBSD Cisco HDLC)
        [LinkType.PPP_SERIAL] = s_ppp,
        [LinkType.PPP_ETHER] = new(6, 8, 0, 0),
        [LinkType.PPP_BSDOS] = new(5, 24, 0, 0),
        [LinkType.FDDI] = new(13, 13, 8, 3),
        [LinkType.IEEE802] = new(14, 14, 8, 3),
        [LinkType.IEEE802_11] = s_wlan,
        [LinkType.PRISM_HEADER] = s_wlanRadio,
        [LinkType.IEEE802_11_RADIO_AVS] = s_wlanRadio,
        [LinkType.IEEE802_11_RADIO] = s_wlanRadio,
        [LinkType.PPI] = s_wlanRadio,
        [LinkType.ATM_RFC1483] = new(0, 0, 8, 3),
        [LinkType.ATM_CLIP] = new(0, 0, 8, 3),
        [LinkType.SUNATM] = new(4, 4, 8, 3),
        [LinkType.RAW] = s_raw,
        [LinkType.IPV4] = s_raw,
        [LinkType.IPV6] = s_raw,
        [LinkType.LINUX_SLL] = new(14, 16, 0, 0),
        [LinkType.LINUX_SLL2] = new(0, 20, 0, 0),
        [LinkType.LTALK] = s_raw,
        [LinkType.IP_OVER_FC] = new(16, 16, 8, 3),
        [LinkType.FRELAY] = s_raw,
        [LinkType.MFR] = new(N, 0, 4, 0),
        [LinkType.APPLE_IP_OVER_IEEE1394] = new(16, 18, 0, 0),
        [LinkType.SYMANTEC_FIREWALL] = new(6, 44, 0, 0),
        [LinkType.PFLOG] = new(0, 0, 0, 0, VariablePayload: true),
        [LinkType.JUNIPER_MFR] = s_juniperSimple,
        [LinkType.JUNIPER_MLFR] = s_juniperSimple,
        [LinkType.JUNIPER_MLPPP] = s_juniperSimple,
        [LinkType.JUNIPER_PPP] = s_juniperSimple,
        [LinkType.JUNIPER_CHDLC] = s_juniperSimple,
        [LinkType.JUNIPER_FRELAY] = s_juniperSimple,
        [LinkType.JUNIPER_ATM1] = new(4, 4, 0, 10),
        [LinkType.JUNIPER_ATM2] = new(8, 8, 0, 10),
        [LinkType.JUNIPER_PPPOE] = new(16, 14, 18, 21),
        [LinkType.JUNIPER_ETHER] = new(16, 14, 18, 21),
        [LinkType.JUNIPER_PPPOE_ATM] = new(4, 6, 0, N),
        [LinkType.JUNIPER_GGSN] = new(6, 12, 0, N),
        [LinkType.JUNIPER_ES] = new(6, N, N, N),
        [LinkType.JUNIPER_MONITOR] = new(12, 12, 0, N),
        [LinkType.BACNET_MS_TP] = s_none,
        [LinkType.JUNIPER_SERVICES] = new(12, N, N, N),
        [LinkType.JUNIPER_VP] = new(18, N, N, N),
        [LinkType.JUNIPER_ST] = new(18, N, N, N),
        [LinkType.JUNIPER_ISM] = s_juniper8,
        [LinkType.JUNIPER_VS] = s_juniper8,
        [LinkType.JUNIPER_SRX_E2E] = s_juniper8,
        [LinkType.JUNIPER_FIBRECHANNEL] = s_juniper8,
        [LinkType.JUNIPER_ATM_CEMIC] = s_juniper8,
        [LinkType.MTP2] = s_none,
        [LinkType.MTP2_WITH_PHDR] = s_none,
        [LinkType.ERF] = s_none,
        [LinkType.PFSYNC] = new(N, 4, 0, 0),
        [LinkType.AX25_KISS] = s_none,
        [LinkType.IPNET] = new(1, 24, 0, N),
        [LinkType.NETANALYZER] = new(16, 18, 0, 3, HeaderOffset: 4),
        [LinkType.NETANALYZER_TRANSPARENT] = new(24, 26, 0, 3, HeaderOffset: 12),
    };

    // MTP2 field offsets (li, li_hsl, sio, opc, dpc, sls) for the types that carry MTP2.
    private static readonly Dictionary<LinkType, uint[]> s_mtp2 = new()
    {
        [LinkType.MTP2] = [2, 4, 3, 4, 4, 7],
        [LinkType.MTP2_WITH_PHDR] = [6, 8, 7, 8, 8, 11],
        [LinkType.ERF] = [22, 24, 23, 24, 24, 27],
    };

    // The head's init_linktype for the DSA tag link types 1.10 cannot filter: Ethernet with a
    // 4-octet tag between the source address and the EtherType.
    private static readonly Dictionary<LinkType, Layout> s_headLayouts = new()
    {
        [LinkType.DSA_TAG_BRCM] = new(16, 18, 0, 3),
        [LinkType.DSA_TAG_DSA] = new(16, 18, 0, 3),
    };

    private const int MatchingMin = 104;
    private const int MatchingMax = 289;

    /// <summary>Fills <paramref name="cx"/>'s link-layer offsets for its link type.</summary>
    /// <exception cref="FilterCompileException">The link type is outside libpcap's known range.</exception>
    public static void Apply(CodeGenContext cx)
    {
        var type = cx.LinkType;
        if (!(cx.Head && s_headLayouts.TryGetValue(type, out var layout)) && !s_layouts.TryGetValue(type, out layout))
        {
            if ((int)type < MatchingMin || (int)type > MatchingMax)
                throw cx.Error(FilterErrorKind.UnsupportedForLinkType,
                    $"unknown data link type {(int)type} (min {MatchingMin}, max {MatchingMax})");
            layout = s_none;
        }
        cx.OffLinkHdr.ConstantPart = layout.HeaderOffset;
        cx.OffLinkHdr.IsVariable = layout.VariableHeader;
        cx.OffLinkType.ConstantPart = layout.LinkTypeOffset;
        cx.OffLinkPl.ConstantPart = layout.PayloadOffset;
        cx.OffLinkPl.IsVariable = layout.VariablePayload;
        cx.OffNl = layout.Nl;
        cx.OffNlNoSnap = layout.NlNoSnap;
        if (type == LinkType.SUNATM)
        {
            cx.IsAtm = true;
            cx.OffVpi = SunAtm.VpiPos;
            cx.OffVci = SunAtm.VciPos;
            cx.OffProto = SunAtm.ProtoPos;
            cx.OffPayload = SunAtm.PacketBeginPos;
        }
        if (s_mtp2.TryGetValue(type, out var mtp))
        {
            cx.OffLi = mtp[0];
            cx.OffLiHsl = mtp[1];
            cx.OffSio = mtp[2];
            cx.OffOpc = mtp[3];
            cx.OffDpc = mtp[4];
            cx.OffSls = mtp[5];
        }
    }
}
