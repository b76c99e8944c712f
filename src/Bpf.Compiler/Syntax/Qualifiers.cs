using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// Protocol qualifier (libpcap's <c>Q_LINK</c> ... <c>Q_CARP</c>; the values are libpcap's so that
/// code generation can follow gencode.c literally).
/// </summary>
internal enum ProtoQualifier : byte
{
    /// <summary>No protocol qualifier: <c>host x</c>.</summary>
    Default = 0,
    /// <summary><c>link</c>, <c>ether</c>, <c>ppp</c>, <c>slip</c>, <c>fddi</c>, <c>tr</c>, <c>wlan</c>.</summary>
    Link = 1,
    /// <summary><c>ip</c>.</summary>
    IP = 2,
    /// <summary><c>arp</c>.</summary>
    Arp = 3,
    /// <summary><c>rarp</c>.</summary>
    Rarp = 4,
    /// <summary><c>sctp</c>.</summary>
    Sctp = 5,
    /// <summary><c>tcp</c>.</summary>
    Tcp = 6,
    /// <summary><c>udp</c>.</summary>
    Udp = 7,
    /// <summary><c>icmp</c>.</summary>
    Icmp = 8,
    /// <summary><c>igmp</c>.</summary>
    Igmp = 9,
    /// <summary><c>igrp</c>.</summary>
    Igrp = 10,
    /// <summary><c>atalk</c>.</summary>
    Atalk = 11,
    /// <summary><c>decnet</c>.</summary>
    Decnet = 12,
    /// <summary><c>lat</c>.</summary>
    Lat = 13,
    /// <summary><c>sca</c>.</summary>
    Sca = 14,
    /// <summary><c>moprc</c>.</summary>
    Moprc = 15,
    /// <summary><c>mopdl</c>.</summary>
    Mopdl = 16,
    /// <summary><c>ip6</c>.</summary>
    IPv6 = 17,
    /// <summary><c>icmp6</c>.</summary>
    Icmpv6 = 18,
    /// <summary><c>ah</c>.</summary>
    Ah = 19,
    /// <summary><c>esp</c>.</summary>
    Esp = 20,
    /// <summary><c>pim</c>.</summary>
    Pim = 21,
    /// <summary><c>vrrp</c>.</summary>
    Vrrp = 22,
    /// <summary><c>aarp</c>.</summary>
    Aarp = 23,
    /// <summary><c>iso</c>.</summary>
    Iso = 24,
    /// <summary><c>esis</c>, <c>es-is</c>.</summary>
    Esis = 25,
    /// <summary><c>isis</c>, <c>is-is</c>.</summary>
    Isis = 26,
    /// <summary><c>clnp</c>.</summary>
    Clnp = 27,
    /// <summary><c>stp</c>.</summary>
    Stp = 28,
    /// <summary><c>ipx</c>.</summary>
    Ipx = 29,
    /// <summary><c>netbeui</c>.</summary>
    Netbeui = 30,
    /// <summary><c>l1</c> (IS-IS level 1).</summary>
    IsisL1 = 31,
    /// <summary><c>l2</c> (IS-IS level 2).</summary>
    IsisL2 = 32,
    /// <summary><c>iih</c>.</summary>
    IsisIih = 33,
    /// <summary><c>snp</c>.</summary>
    IsisSnp = 34,
    /// <summary><c>csnp</c>.</summary>
    IsisCsnp = 35,
    /// <summary><c>psnp</c>.</summary>
    IsisPsnp = 36,
    /// <summary><c>lsp</c>.</summary>
    IsisLsp = 37,
    /// <summary><c>radio</c>.</summary>
    Radio = 38,
    /// <summary><c>carp</c>.</summary>
    Carp = 39,
    /// <summary>libpcap's <c>Q_UNDEF</c>: inherited from a context that has no qualifiers (<c>(tcp) and 80</c>).</summary>
    Undefined = 255,
}

/// <summary>Direction qualifier (libpcap's <c>Q_SRC</c> ... <c>Q_TA</c>).</summary>
internal enum DirQualifier : byte
{
    /// <summary>No direction: <c>host x</c> (source or destination).</summary>
    Default = 0,
    /// <summary><c>src</c>.</summary>
    Src = 1,
    /// <summary><c>dst</c>.</summary>
    Dst = 2,
    /// <summary><c>src or dst</c>, <c>dst or src</c>.</summary>
    Or = 3,
    /// <summary><c>src and dst</c>, <c>dst and src</c>.</summary>
    And = 4,
    /// <summary><c>addr1</c>, <c>address1</c>.</summary>
    Addr1 = 5,
    /// <summary><c>addr2</c>, <c>address2</c>.</summary>
    Addr2 = 6,
    /// <summary><c>addr3</c>, <c>address3</c>.</summary>
    Addr3 = 7,
    /// <summary><c>addr4</c>, <c>address4</c>.</summary>
    Addr4 = 8,
    /// <summary><c>ra</c> (802.11 receiver address).</summary>
    Ra = 9,
    /// <summary><c>ta</c> (802.11 transmitter address).</summary>
    Ta = 10,
    /// <summary>libpcap's <c>Q_UNDEF</c>.</summary>
    Undefined = 255,
}

/// <summary>Address-type qualifier (libpcap's <c>Q_HOST</c> ... <c>Q_PORTRANGE</c>).</summary>
internal enum AddrQualifier : byte
{
    /// <summary>No address type: <c>src x</c>, a bare id after <c>and</c> following a term without one.</summary>
    Default = 0,
    /// <summary><c>host</c>.</summary>
    Host = 1,
    /// <summary><c>net</c>.</summary>
    Net = 2,
    /// <summary><c>port</c>.</summary>
    Port = 3,
    /// <summary><c>gateway</c>.</summary>
    Gateway = 4,
    /// <summary><c>proto</c>.</summary>
    Proto = 5,
    /// <summary><c>protochain</c>.</summary>
    Protochain = 6,
    /// <summary><c>portrange</c>.</summary>
    PortRange = 7,
    /// <summary>libpcap's <c>Q_UNDEF</c>.</summary>
    Undefined = 255,
}

/// <summary>
/// The qualifiers an id is interpreted with, after the grammar's inheritance
/// (<c>tcp dst port ftp or ftp-data</c>: both ids get <c>tcp dst port</c>).
/// </summary>
/// <param name="Proto">Protocol qualifier.</param>
/// <param name="Dir">Direction qualifier.</param>
/// <param name="Addr">Address-type qualifier.</param>
internal readonly record struct Qualifiers(ProtoQualifier Proto, DirQualifier Dir, AddrQualifier Addr)
{
    /// <summary>No qualifiers given (all <c>Default</c>).</summary>
    public static Qualifiers Default => default;

    /// <summary>libpcap's <c>qerr</c>: all <c>Undefined</c>; gencode reports "syntax error in filter expression" for an id with these.</summary>
    public static Qualifiers Undefined => new(ProtoQualifier.Undefined, DirQualifier.Undefined, AddrQualifier.Undefined);

    /// <inheritdoc/>
    public override string ToString() => $"{Proto}/{Dir}/{Addr}";
}
