using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>TCP/UDP/SCTP <c>port</c> and <c>portrange</c> tests over IPv4 and IPv6 (libpcap's gen_port*, gen_portrange*).</summary>
internal static class Ports
{
    /// <summary>libpcap's PROTO_UNDEF: any of TCP, UDP and SCTP.</summary>
    public const int AnyTransport = -1;

    private delegate Cond Atom(uint offset);

    private static Cond Directional(CodeGenContext cx, DirQualifier dir, Atom atom, string what)
    {
        switch (dir)
        {
            case DirQualifier.Src:
                return atom(0);
            case DirQualifier.Dst:
                return atom(2);
            case DirQualifier.And:
                return And(atom(0), atom(2));
            case DirQualifier.Default:
            case DirQualifier.Or:
                return Or(atom(0), atom(2));
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier,
                    QualifierNames.Wireless80211Only(dir, what) ?? "syntax error in filter expression");
        }
    }

    private static Cond RangeAtom(CodeGenContext cx, OffsetBase rel, uint off, uint v1, uint v2)
    {
        // The head tests a one-port range as that port.
        if (v1 == v2 && !cx.Options.V1_10)
            return cx.Cmp(rel, off, Opcodes.H, v1);
        if (v1 > v2)
            (v1, v2) = (v2, v1);
        var b1 = cx.CmpGe(rel, off, Opcodes.H, v1);
        return And(b1, cx.CmpLe(rel, off, Opcodes.H, v2));
    }

    // IPv4: protocol field, not a later fragment, then the ports after the variable-length header.
    private static Cond PortOp4(CodeGenContext cx, uint proto, DirQualifier dir, Atom atom, string what)
    {
        var tmp = cx.Cmp(OffsetBase.LinkPayload, 9, Opcodes.B, proto);
        var b0 = And(tmp, Protocols.NotFragment(cx));
        var b1 = Directional(cx, dir, atom, what);
        return And(b0, b1);
    }

    // IPv6: the next-header field only (no extension headers), then the ports after 40 bytes.
    private static Cond PortOp6(CodeGenContext cx, uint proto, DirQualifier dir, Atom atom, string what)
    {
        var b0 = cx.Cmp(OffsetBase.LinkPayload, 6, Opcodes.B, proto);
        var b1 = Directional(cx, dir, atom, what);
        return And(b0, b1);
    }

    private static Cond PerTransport(CodeGenContext cx, uint etherType, int ipProto, Func<uint, Cond> op)
    {
        if (!cx.Options.V1_10)
            throw new InvalidOperationException("the head tests the ports once (HeadPorts)");
        var b0 = cx.LinkProto(etherType);
        Cond b1;
        if (ipProto == AnyTransport)
        {
            var tmp = op(IpProto.Tcp);
            b1 = Or(tmp, op(IpProto.Udp));
            b1 = Or(op(IpProto.Sctp), b1);
        }
        else
            b1 = op((uint)ipProto);
        return And(b0, b1);
    }

    /// <summary>
    /// The head's gen_port_common / gen_port6_common: TCP, UDP and SCTP encode their ports alike, so
    /// the ports are tested once, after "any of the transport protocols" (and, for IPv4, not a
    /// later fragment), instead of once per protocol as 1.10 does.
    /// </summary>
    private static Cond HeadPorts(CodeGenContext cx, bool ipv6, int ipProto, DirQualifier dir, Atom atom, string what)
    {
        var b1 = Directional(cx, dir, atom, what);
        uint field = ipv6 ? 6u : 9u;
        Cond IpProto_(uint p) => cx.Cmp(OffsetBase.LinkPayload, field, Opcodes.B, p);
        Cond tmp;
        if (ipProto == AnyTransport)
        {
            tmp = IpProto_(IpProto.Sctp);
            tmp = Or(IpProto_(IpProto.Udp), tmp);
            tmp = Or(IpProto_(IpProto.Tcp), tmp);
        }
        else
            tmp = IpProto_((uint)ipProto);
        if (ipv6)
            b1 = And(tmp, b1);
        else
        {
            var b0 = And(tmp, Protocols.NotFragment(cx));
            b1 = And(b0, b1);
        }
        return And(cx.LinkProto(ipv6 ? EtherType.IPv6 : EtherType.IP), b1);
    }

    /// <summary><c>port N</c> over IPv4.</summary>
    public static Cond Port(CodeGenContext cx, uint port, int ipProto, DirQualifier dir) =>
        !cx.Options.V1_10 ? HeadPorts(cx, false, ipProto, dir, off => cx.Cmp(OffsetBase.TransportIPv4, off, Opcodes.H, port), "ports") :
        PerTransport(cx, EtherType.IP, ipProto, p =>
            PortOp4(cx, p, dir, off => cx.Cmp(OffsetBase.TransportIPv4, off, Opcodes.H, port), "ports"));

    /// <summary><c>port N</c> over IPv6.</summary>
    public static Cond Port6(CodeGenContext cx, uint port, int ipProto, DirQualifier dir) =>
        !cx.Options.V1_10 ? HeadPorts(cx, true, ipProto, dir, off => cx.Cmp(OffsetBase.TransportIPv6, off, Opcodes.H, port), "ports") :
        PerTransport(cx, EtherType.IPv6, ipProto, p =>
            PortOp6(cx, p, dir, off => cx.Cmp(OffsetBase.TransportIPv6, off, Opcodes.H, port), "ports"));

    /// <summary><c>portrange A-B</c> over IPv4.</summary>
    public static Cond PortRange(CodeGenContext cx, uint port1, uint port2, int ipProto, DirQualifier dir) =>
        !cx.Options.V1_10 ? HeadPorts(cx, false, ipProto, dir, off => RangeAtom(cx, OffsetBase.TransportIPv4, off, port1, port2), "port ranges") :
        PerTransport(cx, EtherType.IP, ipProto, p =>
            PortOp4(cx, p, dir, off => RangeAtom(cx, OffsetBase.TransportIPv4, off, port1, port2), "port ranges"));

    /// <summary><c>portrange A-B</c> over IPv6.</summary>
    public static Cond PortRange6(CodeGenContext cx, uint port1, uint port2, int ipProto, DirQualifier dir) =>
        !cx.Options.V1_10 ? HeadPorts(cx, true, ipProto, dir, off => RangeAtom(cx, OffsetBase.TransportIPv6, off, port1, port2), "port ranges") :
        PerTransport(cx, EtherType.IPv6, ipProto, p =>
            PortOp6(cx, p, dir, off => RangeAtom(cx, OffsetBase.TransportIPv6, off, port1, port2), "port ranges"));

    /// <summary>Both address families: IPv4 ored into IPv6, as gen_scode and gen_ncode do.</summary>
    public static Cond AnyFamily(CodeGenContext cx, uint port, int ipProto, DirQualifier dir)
    {
        var b = Port(cx, port, ipProto, dir);
        return Or(Port6(cx, port, ipProto, dir), b);
    }

    /// <summary>Both address families for a range.</summary>
    public static Cond AnyFamilyRange(CodeGenContext cx, uint port1, uint port2, int ipProto, DirQualifier dir)
    {
        var b = PortRange(cx, port1, port2, ipProto, dir);
        return Or(PortRange6(cx, port1, port2, ipProto, dir), b);
    }
}
