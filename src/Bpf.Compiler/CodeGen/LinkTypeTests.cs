using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// "Is this packet's link-layer protocol <c>ll_proto</c>?" for every link type (libpcap's
/// gen_linktype). Each family of link types is a small strategy; the table maps link types to them.
/// <c>ll_proto</c> is an Ethernet type, or an LLC SAP (≤ 1500) for the protocols carried over 802.2.
/// </summary>
internal static class LinkTypeTests
{
    private delegate Cond Strategy(CodeGenContext cx, uint proto);

    private static readonly Dictionary<LinkType, Strategy> s_strategies = Build();
    private static readonly Dictionary<LinkType, Strategy?> s_headStrategies = BuildHead();

    // Where the head's gen_linktype differs from 1.10's; a null entry means the head has no case
    // for the link type (its generic EtherType-field test, else an error).
    private static Dictionary<LinkType, Strategy?> BuildHead()
    {
        var map = new Dictionary<LinkType, Strategy?>();
        void Add(Strategy? s, params LinkType[] types)
        {
            foreach (var t in types)
                map[t] = s;
        }
        Add(EthernetLike, LinkType.DSA_TAG_BRCM, LinkType.DSA_TAG_DSA);
        Add(CiscoHdlc, LinkType.C_HDLC, (LinkType)112);
        Add(Wireless, LinkType.IEEE802_11, LinkType.PRISM_HEADER, LinkType.IEEE802_11_RADIO_AVS, LinkType.IEEE802_11_RADIO, LinkType.PPI);
        Add((cx, p) => cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, EtherToPpp(cx, p)), LinkType.PPP, LinkType.PPP_PPPD, LinkType.PPP_SERIAL, LinkType.PPP_ETHER);
        // "Do not try matching RFC 1051 system codes for ARCnet."
        Add(Arcnet, LinkType.ARCNET, LinkType.ARCNET_LINUX);
        // "Properly reject link proto for DLT_BACNET_MS_TP"; the not-implemented families fall to
        // the generic case and its error.
        Add(null, LinkType.BACNET_MS_TP, LinkType.MFR, LinkType.LINUX_IRDA, LinkType.DOCSIS, LinkType.MTP2, LinkType.MTP2_WITH_PHDR,
            LinkType.ERF, LinkType.PFSYNC, LinkType.LINUX_LAPD, LinkType.USB_FREEBSD, LinkType.USB_LINUX, LinkType.USB_LINUX_MMAPPED,
            LinkType.USBPCAP, LinkType.BLUETOOTH_HCI_H4, LinkType.BLUETOOTH_HCI_H4_WITH_PHDR, LinkType.CAN20B, LinkType.CAN_SOCKETCAN,
            LinkType.IEEE802_15_4, LinkType.IEEE802_15_4_LINUX, LinkType.IEEE802_15_4_NONASK_PHY, LinkType.IEEE802_15_4_NOFCS,
            LinkType.IEEE802_15_4_TAP, LinkType.IEEE802_16_MAC_CPS_RADIO, LinkType.SITA, LinkType.RAIF1, LinkType.IPMB_KONTRON,
            LinkType.IPMB_LINUX, LinkType.AX25_KISS, LinkType.NFLOG);
        return map;
    }

    private static Dictionary<LinkType, Strategy> Build()
    {
        var map = new Dictionary<LinkType, Strategy>();
        void Add(Strategy s, params LinkType[] types)
        {
            foreach (var t in types)
                map[t] = s;
        }
        Add(EthernetLike, LinkType.EN10MB, LinkType.NETANALYZER, LinkType.NETANALYZER_TRANSPARENT);
        Add(CiscoHdlc, LinkType.C_HDLC, (LinkType)112);
        Add(Wireless, LinkType.IEEE802_11, LinkType.PRISM_HEADER, LinkType.IEEE802_11_RADIO_AVS, LinkType.IEEE802_11_RADIO, LinkType.PPI);
        Add(LlcLinkType, LinkType.FDDI, LinkType.IEEE802, LinkType.ATM_RFC1483, LinkType.ATM_CLIP, LinkType.IP_OVER_FC);
        Add(SunAtmLinkType, LinkType.SUNATM);
        Add(CookedLinkTypes.LinuxSll, LinkType.LINUX_SLL);
        Add(RawIp, LinkType.SLIP, LinkType.SLIP_BSDOS, LinkType.RAW);
        Add((cx, p) => p == EtherType.IP ? Loads.True(cx) : Loads.False(cx), LinkType.IPV4);
        Add((cx, p) => p == EtherType.IPv6 ? Loads.True(cx) : Loads.False(cx), LinkType.IPV6);
        Add((cx, p) => cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, EtherToPpp(p)), LinkType.PPP, LinkType.PPP_PPPD, LinkType.PPP_SERIAL, LinkType.PPP_ETHER);
        Add(PppBsdos, LinkType.PPP_BSDOS);
        Add(Loopback, LinkType.NULL, LinkType.LOOP, LinkType.ENC);
        Add(Pflog, LinkType.PFLOG);
        Add(Arcnet, LinkType.ARCNET, LinkType.ARCNET_LINUX);
        Add((cx, p) => p == EtherType.Atalk ? Loads.True(cx) : Loads.False(cx), LinkType.LTALK);
        Add(FrameRelay, LinkType.FRELAY);
        Add(NotImplemented("Multi-link Frame Relay"), LinkType.MFR);
        Add((cx, p) => cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.W, 0x4d474300, 0xffffff00),
            LinkType.JUNIPER_MFR, LinkType.JUNIPER_MLFR, LinkType.JUNIPER_MLPPP, LinkType.JUNIPER_ATM1,
            LinkType.JUNIPER_ATM2, LinkType.JUNIPER_PPPOE, LinkType.JUNIPER_PPPOE_ATM, LinkType.JUNIPER_GGSN,
            LinkType.JUNIPER_ES, LinkType.JUNIPER_MONITOR, LinkType.JUNIPER_SERVICES, LinkType.JUNIPER_ETHER,
            LinkType.JUNIPER_PPP, LinkType.JUNIPER_FRELAY, LinkType.JUNIPER_CHDLC, LinkType.JUNIPER_VP,
            LinkType.JUNIPER_ST, LinkType.JUNIPER_ISM, LinkType.JUNIPER_VS, LinkType.JUNIPER_SRX_E2E,
            LinkType.JUNIPER_FIBRECHANNEL, LinkType.JUNIPER_ATM_CEMIC);
        Add((cx, p) => cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.W, 0x55FF0000, 0xffff0000), LinkType.BACNET_MS_TP);
        Add(Ipnet, LinkType.IPNET);
        Add(NotImplemented("IrDA"), LinkType.LINUX_IRDA);
        Add(NotImplemented("DOCSIS"), LinkType.DOCSIS);
        Add(NotImplemented("MTP2"), LinkType.MTP2, LinkType.MTP2_WITH_PHDR);
        Add(NotImplemented("ERF"), LinkType.ERF);
        Add(NotImplemented("PFSYNC"), LinkType.PFSYNC);
        Add(NotImplemented("LAPD"), LinkType.LINUX_LAPD);
        Add(NotImplemented("USB"), LinkType.USB_FREEBSD, LinkType.USB_LINUX, LinkType.USB_LINUX_MMAPPED, LinkType.USBPCAP);
        Add(NotImplemented("Bluetooth"), LinkType.BLUETOOTH_HCI_H4, LinkType.BLUETOOTH_HCI_H4_WITH_PHDR);
        Add(NotImplemented("CAN"), LinkType.CAN20B, LinkType.CAN_SOCKETCAN);
        Add(NotImplemented("IEEE 802.15.4"), LinkType.IEEE802_15_4, LinkType.IEEE802_15_4_LINUX,
            LinkType.IEEE802_15_4_NONASK_PHY, LinkType.IEEE802_15_4_NOFCS, LinkType.IEEE802_15_4_TAP);
        Add(NotImplemented("IEEE 802.16"), LinkType.IEEE802_16_MAC_CPS_RADIO);
        Add(NotImplemented("SITA"), LinkType.SITA);
        Add(NotImplemented("RAIF1"), LinkType.RAIF1);
        Add(NotImplemented("IPMB"), LinkType.IPMB_KONTRON, LinkType.IPMB_LINUX);
        Add(NotImplemented("AX.25"), LinkType.AX25_KISS);
        Add(NotImplemented("NFLOG"), LinkType.NFLOG);
        return map;
    }

    /// <summary>The link-layer protocol test (libpcap's gen_linktype).</summary>
    public static Cond LinkProto(this CodeGenContext cx, uint proto)
    {
        if (cx.LabelStackDepth > 0)
            return Encapsulations.MplsLinkType(cx, proto);
        if (cx.Head && s_headStrategies.TryGetValue(cx.LinkType, out var headStrategy))
        {
            if (headStrategy != null)
                return headStrategy(cx, proto);
        }
        else if (s_strategies.TryGetValue(cx.LinkType, out var strategy))
            return strategy(cx, proto);
        if (cx.OffLinkType.ConstantPart != AbsOffset.NotSet)
        {
            if (!cx.AssertMax("EtherType", proto, 0xffff))
                return CodeGenContext.Placeholder;
            return cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto);
        }
        if (cx.Head)
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"link-layer type filtering not implemented for {cx.LinkTypeForErrors}");
        return cx.Refuse(FilterErrorKind.UnsupportedForLinkType,
            $"{cx.LinkTypeDescription} link-layer type filtering not implemented");
    }

    private static Strategy NotImplemented(string what) => (cx, _) =>
        cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"{what} link-layer type filtering not implemented");

    private static Cond EthernetLike(CodeGenContext cx, uint proto)
    {
        var b0 = cx.IsEncap ? null : cx.PrevLinkHeaderCheck();
        return AndOptional(b0, EthernetLinkType(cx, proto));
    }

    /// <summary>Ethernet II type or 802.3 length plus 802.2 header (libpcap's gen_ether_linktype).</summary>
    public static Cond EthernetLinkType(CodeGenContext cx, uint proto)
    {
        Cond b0, b1;
        switch (proto)
        {
            case Llc.SapIsoNs:
            case Llc.SapIP:
            case Llc.SapNetbeui:
                // 802.3 frames only: the DSAP and SSAP both carry the SAP.
                b0 = Not(cx.CmpGt(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Mtu));
                b1 = cx.Cmp(OffsetBase.Llc, 0, Opcodes.H, (proto << 8) | proto);
                return And(b0, b1);
            case Llc.SapIpx:
                // IPX: 802.2 with the IPX SAP, raw 802.3 (0xFFFF), SNAP, or Ethernet II.
                b0 = cx.Cmp(OffsetBase.Llc, 0, Opcodes.B, Llc.SapIpx);
                b1 = Or(b0, cx.Cmp(OffsetBase.Llc, 0, Opcodes.H, 0xFFFF));
                b1 = Or(cx.Snap(0x000000, EtherType.Ipx), b1);
                b1 = And(Not(cx.CmpGt(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Mtu)), b1);
                return Or(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Ipx), b1);
            case EtherType.Atalk:
            case EtherType.Aarp:
                b0 = Not(cx.CmpGt(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Mtu));
                b1 = proto == EtherType.Atalk ? cx.Snap(0x080007, EtherType.Atalk) : cx.Snap(0x000000, EtherType.Aarp);
                b1 = And(b0, b1);
                return Or(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto), b1);
            default:
                if (proto <= EtherType.Mtu)
                {
                    // An LLC SAP: check the DSAP of 802.3 frames.
                    if (!cx.AssertMax("LLC DSAP", proto, 255))
                        return CodeGenContext.Placeholder;
                    b0 = Not(cx.CmpGt(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Mtu));
                    b1 = cx.Cmp(OffsetBase.LinkType, 2, Opcodes.B, proto);
                    return And(b0, b1);
                }
                if (!cx.AssertMax("EtherType", proto, 0xffff))
                    return CodeGenContext.Placeholder;
                return cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto);
        }
    }

    private static Cond CiscoHdlc(CodeGenContext cx, uint proto)
    {
        if (!cx.AssertMax("HDLC protocol", proto, 0xffff))
            return CodeGenContext.Placeholder;
        if (proto == Llc.SapIsoNs)
            proto = (proto << 8) | Llc.SapIsoNs;
        return cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto);
    }

    private static Cond Wireless(CodeGenContext cx, uint proto)
    {
        // The head tests "type data" with one masked compare; 1.10 with two bit tests.
        var b0 = cx.Head ? cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, 0x08, 0x0c) : WirelessFields.DataFrameCheck(cx);
        return And(b0, cx.LlcLinkType(proto));
    }

    private static Cond LlcLinkType(CodeGenContext cx, uint proto) => cx.LlcLinkType(proto);

    private static Cond SunAtmLinkType(CodeGenContext cx, uint proto)
    {
        var b0 = AtmFields.FieldCode(cx, AtmFields.ProtoType, SunAtm.PtLlc, Opcodes.Jeq, false);
        return And(b0, cx.LlcLinkType(proto));
    }

    private static Cond RawIp(CodeGenContext cx, uint proto) => proto switch
    {
        EtherType.IP => cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, 0x40, 0xF0),
        EtherType.IPv6 => cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, 0x60, 0xF0),
        _ => Loads.False(cx),
    };

    /// <summary>ethertype_to_ppptype with the head's range check of values it passes through.</summary>
    public static uint EtherToPpp(CodeGenContext cx, uint proto)
    {
        var ppp = EtherToPpp(proto);
        if (ppp == proto)
            cx.AssertMax("PPP protocol", proto, 0xffff);
        return ppp;
    }

    /// <summary>Maps an Ethernet type to the PPP protocol number (libpcap's ethertype_to_ppptype).</summary>
    public static uint EtherToPpp(uint proto) => proto switch
    {
        EtherType.IP => PppProto.IP,
        EtherType.IPv6 => PppProto.IPv6,
        EtherType.Dn => PppProto.Decnet,
        EtherType.Atalk => PppProto.Apple,
        EtherType.Ns => PppProto.Ns,
        Llc.SapIsoNs => PppProto.Osi,
        Llc.Sap8021D => PppProto.BrPdu,
        Llc.SapIpx => PppProto.Ipx,
        _ => proto,
    };

    private static Cond PppBsdos(CodeGenContext cx, uint proto)
    {
        if (proto != EtherType.IP)
            return cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, cx.Head ? EtherToPpp(cx, proto) : EtherToPpp(proto));
        var b0 = cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, PppProto.IP);
        var b1 = Or(b0, cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, PppProto.Vjc));
        return Or(b1, cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, PppProto.Vjnc));
    }

    // BSD AF_INET and the three AF_INET6 values of BSD, FreeBSD and Darwin, which a file may hold.
    private const uint AfInet = 2, AfInet6Bsd = 24, AfInet6FreeBsd = 28, AfInet6Darwin = 30;

    private static uint Swap(uint v) => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v);

    // The head's gen_bsd_af_linktype_offline: every value a file may hold, in one byte order.
    private static Cond OfflineFamily(CodeGenContext cx, uint offset, ushort size, uint proto, bool swapped)
    {
        Cond Af(uint v) => cx.Cmp(OffsetBase.LinkHeader, offset, size, swapped ? Swap(v) : v);
        switch (proto)
        {
            case EtherType.IP:
                return Af(AfInet);
            case EtherType.IPv6:
                var b0 = Af(AfInet6Bsd);
                var b1 = Or(b0, Af(AfInet6FreeBsd));
                return Or(Af(AfInet6Darwin), b1);
            default:
                return Loads.False(cx);
        }
    }

    private static Cond Loopback(CodeGenContext cx, uint proto)
    {
        if (cx.Options.Savefile)
        {
            if (cx.Head)
                return cx.LinkType == Bpf.Vm.LinkType.LOOP
                    ? OfflineFamily(cx, 0, Opcodes.W, proto, false)
                    // NULL/ENC: the capturing host's order, tried as the file's first, then the other.
                    : Or(OfflineFamily(cx, 0, Opcodes.W, proto, cx.Options.SavefileSwapped),
                        OfflineFamily(cx, 0, Opcodes.W, proto, !cx.Options.SavefileSwapped));
            // 1.10 with a file: the three BSD AF_INET6 values, in the file's order.
            if (proto == EtherType.IPv6)
            {
                Cond F(uint v) => LoopbackFamily(cx, v, cx.Options.SavefileSwapped);
                var b0 = F(AfInet6Bsd);
                var b1 = Or(b0, F(AfInet6FreeBsd));
                return Or(F(AfInet6Darwin), b1);
            }
            if (proto == EtherType.IP)
                return LoopbackFamily(cx, AfInet, cx.Options.SavefileSwapped);
            return Loads.False(cx);
        }
        return LoopbackLive(cx, proto);
    }

    private static Cond LoopbackLive(CodeGenContext cx, uint proto) => proto switch
    {
        EtherType.IP => LoopbackFamily(cx, 2),
        // A dead handle (no file) uses the host's AF_INET6, 10 on Linux.
        EtherType.IPv6 => LoopbackFamily(cx, 10),
        _ => Loads.False(cx),
    };

    /// <summary>
    /// The address family word: DLT_NULL and DLT_ENC store it in host byte order, which libpcap
    /// converts as if writing on this (little-endian) host; DLT_LOOP stores network order.
    /// </summary>
    private static Cond LoopbackFamily(CodeGenContext cx, uint family, bool swapped = false)
    {
        if (cx.LinkType is Bpf.Vm.LinkType.NULL or Bpf.Vm.LinkType.ENC)
        {
            family = Swap(family);
            if (swapped)
                family = Swap(family);
        }
        return cx.Cmp(OffsetBase.LinkHeader, 0, Opcodes.W, family);
    }

    private static Cond Pflog(CodeGenContext cx, uint proto) =>
        // "Match all AF_INET6 values when filtering DLT_PFLOG savefiles."
        cx.Head && cx.Options.Savefile ? OfflineFamily(cx, PflogFields.AfOffset, Opcodes.B, proto, false) : PflogLive(cx, proto);

    private static Cond PflogLive(CodeGenContext cx, uint proto) => proto switch
    {
        EtherType.IP => cx.Cmp(OffsetBase.LinkHeader, PflogFields.AfOffset, Opcodes.B, 2),
        EtherType.IPv6 => cx.Cmp(OffsetBase.LinkHeader, PflogFields.AfOffset, Opcodes.B, 10),
        _ => Loads.False(cx),
    };

    private static Cond Arcnet(CodeGenContext cx, uint proto)
    {
        Cond B(uint t) => cx.Cmp(OffsetBase.LinkType, 0, Opcodes.B, t);
        return proto switch
        {
            EtherType.IPv6 => B(ArcType.Inet6),
            EtherType.IP => cx.Head ? B(ArcType.IP) : Or(B(ArcType.IP), B(ArcType.IPOld)),
            EtherType.Arp => cx.Head ? B(ArcType.Arp) : Or(B(ArcType.Arp), B(ArcType.ArpOld)),
            EtherType.RevArp => B(ArcType.RevArp),
            EtherType.Atalk => B(ArcType.Atalk),
            _ => Loads.False(cx),
        };
    }

    private static Cond FrameRelay(CodeGenContext cx, uint proto)
    {
        Cond Nlpid(uint id) => cx.Cmp(OffsetBase.LinkHeader, 2, Opcodes.H, (0x03 << 8) | id);
        switch (proto)
        {
            case EtherType.IP:
                return Nlpid(0xcc);
            case EtherType.IPv6:
                return Nlpid(0x8e);
            case Llc.SapIsoNs:
                var b0 = Nlpid(IsoNlpid.Clnp);
                var b1 = Nlpid(IsoNlpid.Esis);
                var b2 = Or(b1, Nlpid(IsoNlpid.Isis));
                return Or(b0, b2);
            default:
                return Loads.False(cx);
        }
    }

    private static Cond Ipnet(CodeGenContext cx, uint proto) => proto switch
    {
        EtherType.IP => cx.Cmp(OffsetBase.LinkType, 0, Opcodes.B, 2),
        EtherType.IPv6 => cx.Cmp(OffsetBase.LinkType, 0, Opcodes.B, 26),
        _ => Loads.False(cx),
    };
}
