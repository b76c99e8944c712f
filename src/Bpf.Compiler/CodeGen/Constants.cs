using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>Ethernet type values gencode compares with (ethertype.h).</summary>
internal static class EtherType
{
    public const uint Mtu = 1500;
    public const uint Pup = 0x0200, IP = 0x0800, Arp = 0x0806, Ns = 0x0600, Sprite = 0x0500, Trail = 0x1000;
    public const uint MopDl = 0x6001, MopRc = 0x6002, Dn = 0x6003, Lat = 0x6004, Sca = 0x6007, Teb = 0x6558;
    public const uint RevArp = 0x8035, LanBridge = 0x8038, DecDns = 0x803c, DecDts = 0x803e;
    public const uint VExp = 0x805b, VProd = 0x805c, Atalk = 0x809b, Aarp = 0x80f3;
    public const uint Vlan8021Q = 0x8100, Ipx = 0x8137, IPv6 = 0x86dd, Mpls = 0x8847, MplsMulti = 0x8848;
    public const uint PppoeD = 0x8863, PppoeS = 0x8864, Vlan8021AD = 0x88a8, Loopback = 0x9000, Vlan8021QinQ = 0x9100;
}

/// <summary>802.2 LLC SAP values and control-field constants (llc.h).</summary>
internal static class Llc
{
    public const uint SapNull = 0x00, SapGlobal = 0xff, Sap8021BI = 0x02, Sap8021BG = 0x03, SapIP = 0x06;
    public const uint SapProwayNm = 0x0e, Sap8021D = 0x42, SapRs511 = 0x4e, SapIso8208 = 0x7e, SapProway = 0x8e;
    public const uint SapSnap = 0xaa, SapIpx = 0xe0, SapNetbeui = 0xf0, SapIsoNs = 0xfe;
    public const uint SFormat = 1, UFormat = 3, SCommandMask = 0x0f, UCommandMask = 0xef;
}

/// <summary>PPP protocol numbers (ppp.h).</summary>
internal static class PppProto
{
    public const uint IP = 0x0021, Osi = 0x0023, Ns = 0x0025, Decnet = 0x0027, Apple = 0x0029, Ipx = 0x002b;
    public const uint Vjc = 0x002d, Vjnc = 0x002f, BrPdu = 0x0031, IPv6 = 0x0057;
}

/// <summary>IP protocol numbers gencode uses.</summary>
internal static class IpProto
{
    public const uint HopOpts = 0, Icmp = 1, Igmp = 2, Tcp = 6, Igrp = 9, Udp = 17, Routing = 43, Fragment = 44;
    public const uint Esp = 50, Ah = 51, IcmpV6 = 58, None = 59, DstOpts = 60, Pim = 103, Vrrp = 112, Carp = 112, Sctp = 132;
}

/// <summary>ARCnet protocol types (arcnet.h).</summary>
internal static class ArcType
{
    public const uint IPOld = 240, ArpOld = 241, IP = 212, Arp = 213, RevArp = 214, Atalk = 221, Inet6 = 0xc4;
}

/// <summary>ISO network-layer protocol identifiers (nlpid.h).</summary>
internal static class IsoNlpid
{
    public const uint Clnp = 0x81, Esis = 0x82, Isis = 0x83;
}

/// <summary>SunATM pseudo-header layout (sunatmpos.h, atmuni31.h).</summary>
internal static class SunAtm
{
    public const uint DirPos = 0, VpiPos = 1, VciPos = 2, PacketBeginPos = 4, ProtoPos = 0;
    public const uint PtLane = 0x01, PtLlc = 0x02, PtIlmi = 0x05, PtQsaal = 0x06;
}

/// <summary>802.11 frame-control constants (ieee80211.h).</summary>
internal static class Wlan
{
    public const uint TypeMask = 0x0c, TypeMgt = 0x00, TypeCtl = 0x04, TypeData = 0x08;
    public const uint SubtypeMask = 0xf0, SubtypeCts = 0xc0, SubtypeAck = 0xd0;
    public const uint DirMask = 0x03, DirNoDs = 0x00, DirToDs = 0x01, DirFromDs = 0x02, DirDsToDs = 0x03;
}

/// <summary>Linux's ancillary load offsets (linux/filter.h) that libpcap compiles for live handles.</summary>
internal static class LinuxAncillary
{
    /// <summary>SKF_AD_OFF (-0x1000).</summary>
    public const uint AdOffset = 0xfffff000;
    /// <summary>SKF_AD_PKTTYPE.</summary>
    public const uint PacketType = 4;
    /// <summary>SKF_AD_IFINDEX.</summary>
    public const uint InterfaceIndex = 8;
    /// <summary>SKF_AD_VLAN_TAG.</summary>
    public const uint VlanTag = 44;
    /// <summary>SKF_AD_VLAN_TAG_PRESENT.</summary>
    public const uint VlanTagPresent = 48;
}
