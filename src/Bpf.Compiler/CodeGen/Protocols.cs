using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Protocol tests: <c>ip proto N</c>, <c>ether proto N</c>, <c>iso proto N</c> (libpcap's gen_proto)
/// and the bare abbreviations <c>tcp</c>, <c>icmp6</c>, <c>l1</c>... (gen_proto_abbrev).
/// </summary>
internal static class Protocols
{
    // IS-IS PDU types (nlpid.h).
    private const uint L1LanIih = 15, L2LanIih = 16, PtpIih = 17, L1Lsp = 18, L2Lsp = 20;
    private const uint L1Csnp = 24, L2Csnp = 25, L1Psnp = 26, L2Psnp = 27;

    /// <summary>The network-layer protocol field of <paramref name="proto"/> equals <paramref name="v"/>.</summary>
    public static Cond Proto(CodeGenContext cx, uint v, ProtoQualifier proto, DirQualifier dir)
    {
        if (dir != DirQualifier.Default)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, "direction applied to 'proto'");
        Cond b0, b1, b2;
        switch (proto)
        {
            case ProtoQualifier.Default:
                b0 = Proto(cx, v, ProtoQualifier.IP, dir);
                return Or(b0, Proto(cx, v, ProtoQualifier.IPv6, dir));
            case ProtoQualifier.Link:
                return cx.LinkProto(v);
            case ProtoQualifier.IP:
                if (!cx.AssertMax("protocol number", v, 255))
                    return CodeGenContext.Placeholder;
                b0 = cx.LinkProto(EtherType.IP);
                return And(b0, cx.Cmp(OffsetBase.LinkPayload, 9, Opcodes.B, v));
            case ProtoQualifier.IPv6:
                // The next header, or the one after a fragment header.
                if (!cx.AssertMax("protocol number", v, 255))
                    return CodeGenContext.Placeholder;
                b0 = cx.LinkProto(EtherType.IPv6);
                b2 = cx.Cmp(OffsetBase.LinkPayload, 6, Opcodes.B, IpProto.Fragment);
                b1 = And(b2, cx.Cmp(OffsetBase.LinkPayload, 40, Opcodes.B, v));
                b1 = Or(cx.Cmp(OffsetBase.LinkPayload, 6, Opcodes.B, v), b1);
                return And(b0, b1);
            case ProtoQualifier.Iso:
                if (!cx.AssertMax("ISO protocol", v, 255))
                    return CodeGenContext.Placeholder;
                switch (cx.LinkType)
                {
                    case LinkType.FRELAY:
                        return cx.Cmp(OffsetBase.LinkHeader, 2, Opcodes.H, (0x03 << 8) | v);
                    case LinkType.C_HDLC:
                    case (LinkType)112:
                        b0 = cx.LinkProto((Llc.SapIsoNs << 8) | Llc.SapIsoNs);
                        return And(b0, cx.Cmp(OffsetBase.LinkPayloadNoSnap, 1, Opcodes.B, v));
                    default:
                        b0 = cx.LinkProto(Llc.SapIsoNs);
                        return And(b0, cx.Cmp(OffsetBase.LinkPayloadNoSnap, 0, Opcodes.B, v));
                }
            case ProtoQualifier.Isis:
                if (!cx.AssertMax("IS-IS PDU type", v, 0x1f))
                    return CodeGenContext.Placeholder;
                b0 = Proto(cx, IsoNlpid.Isis, ProtoQualifier.Iso, DirQualifier.Default);
                if (!cx.Head)
                    return And(b0, cx.Cmp(OffsetBase.LinkPayloadNoSnap, 4, Opcodes.B, v));
                // The head: C-HDLC's fudge byte moves the PDU type to 5, and only its low 5 bits are the type.
                var pduOffset = cx.LinkType is LinkType.C_HDLC or (LinkType)112 ? 5u : 4u;
                return And(b0, cx.MCmp(OffsetBase.LinkPayloadNoSnap, pduOffset, Opcodes.B, v, 0x1f));
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, ProtoError(proto));
        }
    }

    private static string ProtoError(ProtoQualifier proto) => proto switch
    {
        ProtoQualifier.Arp => "arp does not encapsulate another protocol",
        ProtoQualifier.Rarp => "rarp does not encapsulate another protocol",
        ProtoQualifier.Atalk => "AppleTalk encapsulation is not specifiable",
        ProtoQualifier.Decnet => "DECNET encapsulation is not specifiable",
        ProtoQualifier.Lat => "LAT does not encapsulate another protocol",
        ProtoQualifier.Sca => "SCA does not encapsulate another protocol",
        ProtoQualifier.Moprc => "MOPRC does not encapsulate another protocol",
        ProtoQualifier.Mopdl => "MOPDL does not encapsulate another protocol",
        ProtoQualifier.Clnp => "'clnp proto' is not supported",
        _ => $"'{QualifierNames.Keyword(proto)} proto' is bogus",
    };

    private static Cond AnyOf(CodeGenContext cx, ProtoQualifier proto, params uint[] values)
    {
        // libpcap ors the second into the first, then each further one in front.
        var b0 = Proto(cx, values[0], proto, DirQualifier.Default);
        var b1 = Or(b0, Proto(cx, values[1], proto, DirQualifier.Default));
        for (var i = 2; i < values.Length; i++)
            b1 = Or(Proto(cx, values[i], proto, DirQualifier.Default), b1);
        return b1;
    }

    /// <summary>A bare protocol name (libpcap's gen_proto_abbrev).</summary>
    public static Cond Abbreviation(CodeGenContext cx, ProtoQualifier proto)
    {
        Cond P(uint v, ProtoQualifier q) => Proto(cx, v, q, DirQualifier.Default);
        return proto switch
        {
            ProtoQualifier.Sctp => P(IpProto.Sctp, ProtoQualifier.Default),
            ProtoQualifier.Tcp => P(IpProto.Tcp, ProtoQualifier.Default),
            ProtoQualifier.Udp => P(IpProto.Udp, ProtoQualifier.Default),
            ProtoQualifier.Icmp => P(IpProto.Icmp, ProtoQualifier.IP),
            ProtoQualifier.Igmp => P(IpProto.Igmp, ProtoQualifier.IP),
            ProtoQualifier.Igrp => P(IpProto.Igrp, ProtoQualifier.IP),
            ProtoQualifier.Pim => P(IpProto.Pim, ProtoQualifier.Default),
            ProtoQualifier.Vrrp => P(IpProto.Vrrp, ProtoQualifier.IP),
            ProtoQualifier.Carp => P(IpProto.Carp, ProtoQualifier.IP),
            ProtoQualifier.IP => cx.LinkProto(EtherType.IP),
            ProtoQualifier.Arp => cx.LinkProto(EtherType.Arp),
            ProtoQualifier.Rarp => cx.LinkProto(EtherType.RevArp),
            ProtoQualifier.Link => cx.Refuse(FilterErrorKind.InvalidQualifier, cx.Head ? "'link' cannot be used as an abbreviation" : "link layer applied in wrong context"),
            ProtoQualifier.Atalk => cx.LinkProto(EtherType.Atalk),
            ProtoQualifier.Aarp => cx.LinkProto(EtherType.Aarp),
            ProtoQualifier.Decnet => cx.LinkProto(EtherType.Dn),
            ProtoQualifier.Sca => cx.LinkProto(EtherType.Sca),
            ProtoQualifier.Lat => cx.LinkProto(EtherType.Lat),
            ProtoQualifier.Mopdl => cx.LinkProto(EtherType.MopDl),
            ProtoQualifier.Moprc => cx.LinkProto(EtherType.MopRc),
            ProtoQualifier.IPv6 => cx.LinkProto(EtherType.IPv6),
            ProtoQualifier.Icmpv6 => P(IpProto.IcmpV6, ProtoQualifier.IPv6),
            ProtoQualifier.Ah => P(IpProto.Ah, ProtoQualifier.Default),
            ProtoQualifier.Esp => P(IpProto.Esp, ProtoQualifier.Default),
            ProtoQualifier.Iso => cx.LinkProto(Llc.SapIsoNs),
            ProtoQualifier.Esis => P(IsoNlpid.Esis, ProtoQualifier.Iso),
            ProtoQualifier.Isis => P(IsoNlpid.Isis, ProtoQualifier.Iso),
            ProtoQualifier.IsisL1 => AnyOf(cx, ProtoQualifier.Isis, L1LanIih, PtpIih, L1Lsp, L1Csnp, L1Psnp),
            ProtoQualifier.IsisL2 => AnyOf(cx, ProtoQualifier.Isis, L2LanIih, PtpIih, L2Lsp, L2Csnp, L2Psnp),
            ProtoQualifier.IsisIih => AnyOf(cx, ProtoQualifier.Isis, L1LanIih, L2LanIih, PtpIih),
            ProtoQualifier.IsisLsp => AnyOf(cx, ProtoQualifier.Isis, L1Lsp, L2Lsp),
            ProtoQualifier.IsisSnp => AnyOf(cx, ProtoQualifier.Isis, L1Csnp, L2Csnp, L1Psnp, L2Psnp),
            ProtoQualifier.IsisCsnp => AnyOf(cx, ProtoQualifier.Isis, L1Csnp, L2Csnp),
            ProtoQualifier.IsisPsnp => AnyOf(cx, ProtoQualifier.Isis, L1Psnp, L2Psnp),
            ProtoQualifier.Clnp => P(IsoNlpid.Clnp, ProtoQualifier.Iso),
            ProtoQualifier.Stp => cx.LinkProto(Llc.Sap8021D),
            ProtoQualifier.Ipx => cx.LinkProto(Llc.SapIpx),
            ProtoQualifier.Netbeui => cx.LinkProto(Llc.SapNetbeui),
            ProtoQualifier.Radio => cx.Refuse(FilterErrorKind.InvalidQualifier, "'radio' is not a valid protocol type"),
            _ => cx.Refuse(FilterErrorKind.Syntax, "syntax error in filter expression"),
        };
    }

    /// <summary>The IP protocol number of a transport keyword (libpcap's pq_to_ipproto).</summary>
    public static uint IpProtocolOf(ProtoQualifier proto) => proto switch
    {
        ProtoQualifier.Sctp => IpProto.Sctp,
        ProtoQualifier.Tcp => IpProto.Tcp,
        ProtoQualifier.Udp => IpProto.Udp,
        ProtoQualifier.Icmp => IpProto.Icmp,
        ProtoQualifier.Igmp => IpProto.Igmp,
        ProtoQualifier.Igrp => IpProto.Igrp,
        ProtoQualifier.Pim => IpProto.Pim,
        ProtoQualifier.Vrrp => IpProto.Vrrp,
        ProtoQualifier.Carp => IpProto.Carp,
        ProtoQualifier.Ah => IpProto.Ah,
        ProtoQualifier.Esp => IpProto.Esp,
        ProtoQualifier.Icmpv6 => IpProto.IcmpV6,
        _ => throw new ArgumentOutOfRangeException(nameof(proto), proto, "not an IP transport keyword"),
    };

    /// <summary>Not a non-first IPv4 fragment (fragment offset zero).</summary>
    public static Cond NotFragment(CodeGenContext cx) =>
        Not(Loads.JSet(cx, cx.LoadA(OffsetBase.LinkPayload, 6, Opcodes.H), 0x1fff));

    /// <summary>
    /// A protocol name for <c>proto</c>/<c>protochain</c> (libpcap's lookup_proto); -1 when the qualifier takes no
    /// names, or when the name is unknown (then with the refusal recorded on <paramref name="cx"/>).
    /// </summary>
    public static int LookupProto(CodeGenContext cx, string name, ProtoQualifier proto, string addr = "proto")
    {
        if (cx.Head)
            return HeadLookupProto(cx, name, proto, addr);
        switch (proto)
        {
            case ProtoQualifier.Default:
            case ProtoQualifier.IP:
            case ProtoQualifier.IPv6:
                return cx.Names?.LookupProtocol(name) ?? Unknown(cx, $"unknown ip proto '{name}'");
            case ProtoQualifier.Link:
                var v = BuiltinNames.EtherProto(name) ?? BuiltinNames.LlcProto(name);
                return v.HasValue ? (int)v.Value : Unknown(cx, $"unknown ether proto '{name}'");
            case ProtoQualifier.Iso:
                return name switch
                {
                    "esis" => (int)IsoNlpid.Esis,
                    "isis" => (int)IsoNlpid.Isis,
                    "clnp" => (int)IsoNlpid.Clnp,
                    _ => Unknown(cx, $"unknown osi proto '{name}'"),
                };
            default:
                return -1;
        }
    }

    // The head's lookup_proto: its Ethernet names add lldp and slow, and an unknown name is an error
    // whatever the qualifier ("unknown 'tcp proto' value 'abc'").
    private static int HeadLookupProto(CodeGenContext cx, string name, ProtoQualifier proto, string addr)
    {
        var v = proto switch
        {
            ProtoQualifier.Default or ProtoQualifier.IP or ProtoQualifier.IPv6 => cx.Names?.LookupProtocol(name),
            ProtoQualifier.Link => (int?)(BuiltinNames.EtherProto(name, head: true) ?? BuiltinNames.LlcProto(name)),
            ProtoQualifier.Iso => name switch
            {
                "esis" => (int)IsoNlpid.Esis,
                "isis" => (int)IsoNlpid.Isis,
                "clnp" => (int)IsoNlpid.Clnp,
                _ => null,
            },
            _ => null,
        };
        if (v is >= 0)
            return v.Value;
        return Unknown(cx, proto == ProtoQualifier.Default
            ? $"unknown '{addr}' value '{name}'"
            : $"unknown '{QualifierNames.Keyword(proto)} {addr}' value '{name}'");
    }

    private static int Unknown(CodeGenContext cx, string message)
    {
        cx.Fail(FilterErrorKind.UnknownName, message);
        return -1;
    }
}
