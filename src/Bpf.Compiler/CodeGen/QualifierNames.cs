using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>The keyword of each protocol qualifier, as libpcap's error messages quote it.</summary>
internal static class QualifierNames
{
    /// <summary>The keyword (<c>tcp</c>, <c>icmp6</c>, <c>l1</c>...).</summary>
    public static string Keyword(ProtoQualifier proto) => proto switch
    {
        ProtoQualifier.Link => "link",
        ProtoQualifier.IP => "ip",
        ProtoQualifier.Arp => "arp",
        ProtoQualifier.Rarp => "rarp",
        ProtoQualifier.Sctp => "sctp",
        ProtoQualifier.Tcp => "tcp",
        ProtoQualifier.Udp => "udp",
        ProtoQualifier.Icmp => "icmp",
        ProtoQualifier.Igmp => "igmp",
        ProtoQualifier.Igrp => "igrp",
        ProtoQualifier.Atalk => "atalk",
        ProtoQualifier.Decnet => "decnet",
        ProtoQualifier.Lat => "lat",
        ProtoQualifier.Sca => "sca",
        ProtoQualifier.Moprc => "moprc",
        ProtoQualifier.Mopdl => "mopdl",
        ProtoQualifier.IPv6 => "ip6",
        ProtoQualifier.Icmpv6 => "icmp6",
        ProtoQualifier.Ah => "ah",
        ProtoQualifier.Esp => "esp",
        ProtoQualifier.Pim => "pim",
        ProtoQualifier.Vrrp => "vrrp",
        ProtoQualifier.Aarp => "aarp",
        ProtoQualifier.Iso => "iso",
        ProtoQualifier.Esis => "esis",
        ProtoQualifier.Isis => "isis",
        ProtoQualifier.Clnp => "clnp",
        ProtoQualifier.Stp => "stp",
        ProtoQualifier.Ipx => "ipx",
        ProtoQualifier.Netbeui => "netbeui",
        ProtoQualifier.IsisL1 => "l1",
        ProtoQualifier.IsisL2 => "l2",
        ProtoQualifier.IsisIih => "iih",
        ProtoQualifier.IsisSnp => "snp",
        ProtoQualifier.IsisCsnp => "csnp",
        ProtoQualifier.IsisPsnp => "psnp",
        ProtoQualifier.IsisLsp => "lsp",
        ProtoQualifier.Radio => "radio",
        ProtoQualifier.Carp => "carp",
        _ => proto.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The error for an 802.11-only direction qualifier on a non-802.11 address
    /// (gen_hostop's, gen_portop's and gen_portrangeop's messages); null for src/dst/and/or.
    /// </summary>
    public static string? Wireless80211Only(DirQualifier dir, string what) => dir switch
    {
        DirQualifier.Addr1 => $"'addr1' and 'address1' are not valid qualifiers for {what}",
        DirQualifier.Addr2 => $"'addr2' and 'address2' are not valid qualifiers for {what}",
        DirQualifier.Addr3 => $"'addr3' and 'address3' are not valid qualifiers for {what}",
        DirQualifier.Addr4 => $"'addr4' and 'address4' are not valid qualifiers for {what}",
        DirQualifier.Ra => $"'ra' is not a valid qualifier for {what}",
        DirQualifier.Ta => $"'ta' is not a valid qualifier for {what}",
        _ => null,
    };

    /// <summary>The head's assert_nonwlan_dqual: its one error for an 802.11-only direction on any host; null for src/dst/and/or.</summary>
    public static string? HeadWirelessOnly(DirQualifier dir) => dir switch
    {
        DirQualifier.Addr1 => "'addr1' is valid for 802.11 syntax only",
        DirQualifier.Addr2 => "'addr2' is valid for 802.11 syntax only",
        DirQualifier.Addr3 => "'addr3' is valid for 802.11 syntax only",
        DirQualifier.Addr4 => "'addr4' is valid for 802.11 syntax only",
        DirQualifier.Ra => "'ra' is valid for 802.11 syntax only",
        DirQualifier.Ta => "'ta' is valid for 802.11 syntax only",
        _ => null,
    };

    /// <summary>The error for an 802.11-only direction on a MAC address of another link type; null for src/dst/and/or.</summary>
    public static string? MacOnly80211(DirQualifier dir, string suffix) => dir switch
    {
        DirQualifier.Addr1 => $"'addr1' and 'address1' are only supported on 802.11{suffix}",
        DirQualifier.Addr2 => $"'addr2' and 'address2' are only supported on 802.11{suffix}",
        DirQualifier.Addr3 => $"'addr3' and 'address3' are only supported on 802.11{suffix}",
        DirQualifier.Addr4 => $"'addr4' and 'address4' are only supported on 802.11{suffix}",
        DirQualifier.Ra => $"'ra' is only supported on 802.11{suffix}",
        DirQualifier.Ta => $"'ta' is only supported on 802.11{suffix}",
        _ => null,
    };
}
