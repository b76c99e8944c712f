namespace Bpf.Compiler.Syntax;

/// <summary>
/// The keyword tables both parsers read: the predictive parser and the combinator grammar. Kept apart
/// from the combinators so that a compile the predictive parser answers never builds the Pidgin grammar
/// (its static construction is most of a cold process's first compile).
/// </summary>
internal static class GrammarTables
{
    /// <summary>The protocol names of <c>pname</c>, by canonical keyword.</summary>
    public static readonly (string Name, ProtoQualifier Value)[] ProtoNames =
    [
        ("link", ProtoQualifier.Link), ("ip", ProtoQualifier.IP), ("arp", ProtoQualifier.Arp),
        ("rarp", ProtoQualifier.Rarp), ("sctp", ProtoQualifier.Sctp), ("tcp", ProtoQualifier.Tcp),
        ("udp", ProtoQualifier.Udp), ("icmp", ProtoQualifier.Icmp), ("igmp", ProtoQualifier.Igmp),
        ("igrp", ProtoQualifier.Igrp), ("pim", ProtoQualifier.Pim), ("vrrp", ProtoQualifier.Vrrp),
        ("carp", ProtoQualifier.Carp), ("atalk", ProtoQualifier.Atalk), ("aarp", ProtoQualifier.Aarp),
        ("decnet", ProtoQualifier.Decnet), ("lat", ProtoQualifier.Lat), ("sca", ProtoQualifier.Sca),
        ("mopdl", ProtoQualifier.Mopdl), ("moprc", ProtoQualifier.Moprc), ("ip6", ProtoQualifier.IPv6),
        ("icmp6", ProtoQualifier.Icmpv6), ("ah", ProtoQualifier.Ah), ("esp", ProtoQualifier.Esp),
        ("iso", ProtoQualifier.Iso), ("esis", ProtoQualifier.Esis), ("isis", ProtoQualifier.Isis),
        ("l1", ProtoQualifier.IsisL1), ("l2", ProtoQualifier.IsisL2), ("iih", ProtoQualifier.IsisIih),
        ("lsp", ProtoQualifier.IsisLsp), ("snp", ProtoQualifier.IsisSnp), ("psnp", ProtoQualifier.IsisPsnp),
        ("csnp", ProtoQualifier.IsisCsnp), ("clnp", ProtoQualifier.Clnp), ("stp", ProtoQualifier.Stp),
        ("ipx", ProtoQualifier.Ipx), ("netbeui", ProtoQualifier.Netbeui), ("radio", ProtoQualifier.Radio),
    ];

    /// <summary>The one-word direction qualifiers (<c>src</c> and <c>dst</c> have their own rule: <c>src or dst</c>).</summary>
    public static readonly (string Name, DirQualifier Value)[] Directions =
    [
        ("addr1", DirQualifier.Addr1), ("addr2", DirQualifier.Addr2), ("addr3", DirQualifier.Addr3),
        ("addr4", DirQualifier.Addr4), ("ra", DirQualifier.Ra), ("ta", DirQualifier.Ta),
    ];

    /// <summary><c>aqual</c>.</summary>
    public static readonly (string Name, AddrQualifier Value)[] AddressTypes =
    [
        ("host", AddrQualifier.Host), ("net", AddrQualifier.Net), ("port", AddrQualifier.Port), ("portrange", AddrQualifier.PortRange),
    ];

    /// <summary>The qualifiers that stand alone after a protocol: <c>proto</c>, <c>protochain</c>, <c>gateway</c>.</summary>
    public static readonly (string Name, AddrQualifier Value)[] ProtocolQualifiers =
    [
        ("proto", AddrQualifier.Proto), ("protochain", AddrQualifier.Protochain), ("gateway", AddrQualifier.Gateway),
    ];
}
