using Bpf.Compiler.Ir;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// <c>vlan</c>, <c>mpls</c>, <c>pppoed</c>/<c>pppoes</c> and <c>geneve</c>: each tests for the
/// encapsulation and then shifts the layer offsets, so every test after it in the expression looks
/// inside (libpcap's offset-shifting semantics, nesting included: <c>vlan and vlan 200</c>).
/// </summary>
internal static class Encapsulations
{
    private const uint GenevePort = 6081;
    private const uint VxlanPort = 4789;
    private const uint VxlanHeaderLength = 8;

    /// <summary>The outer link layer is not the LANE LE-control frame / Geneve checks (libpcap's gen_prevlinkhdr_check).</summary>
    public static Cond? PrevLinkHeaderCheck(this CodeGenContext cx)
    {
        if (cx.IsEncap)
            return GeneveLinkLayerCheck(cx);
        if (cx.PrevLinkType == LinkType.SUNATM)
            return Not(cx.Cmp(OffsetBase.PrevLinkHeader, SunAtm.PacketBeginPos, Opcodes.H, 0xFF00));
        return null;
    }

    /// <summary>Inside MPLS only IPv4 and IPv6 can be recognised, by the version nibble after the bottom label.</summary>
    public static Cond MplsLinkType(CodeGenContext cx, uint proto)
    {
        if (proto is not (EtherType.IP or EtherType.IPv6))
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, "unsupported protocol over mpls");
        var version = proto == EtherType.IP ? 0x40u : 0x60u;
        var b0 = cx.Head ? JustAfterMplsStack(cx) : cx.MCmp(OffsetBase.LinkPayload, unchecked((uint)-2), Opcodes.B, 0x01, 0x01);
        return And(b0, cx.MCmp(OffsetBase.LinkPayload, 0, Opcodes.B, version, 0xf0));
    }

    /// <summary>The head's gen_just_after_mpls_stack: the previous label has its bottom-of-stack bit set (jset).</summary>
    private static Cond JustAfterMplsStack(CodeGenContext cx) =>
        Loads.JSet(cx, cx.LoadA(OffsetBase.PrevMplsHeader, 2, Opcodes.B), 0x01);

    private static Cond VlanTpidTest(CodeGenContext cx)
    {
        var b0 = cx.LinkProto(EtherType.Vlan8021Q);
        var b1 = Or(b0, cx.LinkProto(EtherType.Vlan8021AD));
        return Or(b1, cx.LinkProto(EtherType.Vlan8021QinQ));
    }

    private static Cond VlanVidTest(CodeGenContext cx, uint vlan)
    {
        if (vlan > 0x0fff)
            return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"VLAN tag {vlan} greater than maximum {0x0fff}");
        return cx.MCmp(OffsetBase.LinkPayload, 0, Opcodes.H, vlan, 0x0fff);
    }

    private static Cond VlanInPacket(CodeGenContext cx, uint? vlan)
    {
        var b0 = VlanTpidTest(cx);
        if (vlan.HasValue)
            b0 = And(b0, VlanVidTest(cx, vlan.Value));
        cx.OffLinkPl.ConstantPart += 4;
        cx.OffLinkType.ConstantPart += 4;
        return b0;
    }

    private static void VariableOffsetAdd(CodeGenContext cx, AbsOffset off, uint v, List<Stmt> s)
    {
        off.IsVariable = true;
        if (off.Reg == -1)
            off.Reg = cx.AllocReg();
        s.Add(cx.NewStmt(Opcodes.Ld | Opcodes.Mem, (uint)off.Reg));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, v));
        s.Add(cx.NewStmt(Opcodes.St, (uint)off.Reg));
    }

    // The kernel strips the outer tag into metadata; a tag still in the packet shifts the offsets at run time.
    private static Cond VlanWithKernelMetadata(CodeGenContext cx, uint? vlan)
    {
        var present = Flow.Jump(cx, Opcodes.Jeq, 1,
            cx.S(Opcodes.Ld | Opcodes.B | Opcodes.Abs, LinuxAncillary.AdOffset + LinuxAncillary.VlanTagPresent));
        var tpid = VlanTpidTest(cx);
        Cond? vid = vlan.HasValue ? VlanVidTest(cx, vlan.Value) : null;

        cx.IsVlanVlOffset = true;
        var shift = cx.NewList();
        VariableOffsetAdd(cx, cx.OffLinkPl, 4, shift);
        VariableOffsetAdd(cx, cx.OffLinkType, 4, shift);
        tpid.Head.Stmts.InsertRange(0, shift);

        var b0 = Or(present, tpid);
        if (vid is { } vidTest)
        {
            // If the tag is in metadata, compare it instead of the packet bytes: jump over the loads.
            var original = vidTest.Block.Stmts;
            var s = new List<Stmt> { new(Opcodes.Ld | Opcodes.B | Opcodes.Abs, LinuxAncillary.AdOffset + LinuxAncillary.VlanTagPresent) };
            var jeq = new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 1) { FalseTarget = original.Count > 0 ? original[0] : null };
            s.Add(jeq);
            var tag = cx.NewStmt(Opcodes.Ld | Opcodes.B | Opcodes.Abs, LinuxAncillary.AdOffset + LinuxAncillary.VlanTag);
            s.Add(tag);
            jeq.TrueTarget = tag;
            s.Add(cx.NewStmt(Opcodes.Jmp | Opcodes.Ja, (uint)(original.Count - 1)));
            s.AddRange(original);
            original.Clear();
            original.AddRange(s);
            b0 = And(b0, vidTest);
        }
        return b0;
    }

    /// <summary><c>vlan [id]</c> (libpcap's gen_vlan).</summary>
    public static Cond Vlan(CodeGenContext cx, uint? vlan)
    {
        if (cx.LabelStackDepth > 0)
            return cx.Refuse(FilterErrorKind.InvalidQualifier, "no VLAN match after MPLS");
        Cond b0;
        switch (cx.LinkType)
        {
            case LinkType.EN10MB:
            case LinkType.NETANALYZER:
            case LinkType.NETANALYZER_TRANSPARENT:
            case LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head:
                if (cx.VlanStackDepth == 0 && !cx.OffLinkHdr.IsVariable
                    && cx.OffLinkHdr.ConstantPart == cx.OffOutermostLinkHdr.ConstantPart
                    && cx.Options.LinuxKernelVlan)
                    b0 = VlanWithKernelMetadata(cx, vlan);
                else
                    b0 = VlanInPacket(cx, vlan);
                break;
            case LinkType.IEEE802_11:
            case LinkType.PRISM_HEADER:
            case LinkType.IEEE802_11_RADIO_AVS:
            case LinkType.IEEE802_11_RADIO:
                b0 = VlanInPacket(cx, vlan);
                break;
            default:
                return cx.Refuse(cx.NotOnLinkType("vlan", $"no VLAN support for {cx.LinkTypeDescription}"));
        }
        cx.VlanStackDepth++;
        return b0;
    }

    /// <summary><c>mpls [label]</c> (libpcap's gen_mpls).</summary>
    public static Cond Mpls(CodeGenContext cx, uint? label)
    {
        Cond b0;
        if (cx.LabelStackDepth > 0)
            b0 = cx.Head ? Not(JustAfterMplsStack(cx)) : cx.MCmp(OffsetBase.PrevMplsHeader, 2, Opcodes.B, 0, 0x01); // not the bottom of the stack
        else
        {
            b0 = cx.LinkType switch
            {
                LinkType.C_HDLC or (LinkType)112 or LinkType.EN10MB or LinkType.NETANALYZER
                    or LinkType.NETANALYZER_TRANSPARENT => cx.LinkProto(EtherType.Mpls),
                LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head => cx.LinkProto(EtherType.Mpls),
                LinkType.PPP => cx.LinkProto(0x0281), // PPP_MPLS_UCAST
                _ => cx.Refuse(cx.NotOnLinkType("mpls", $"no MPLS support for {cx.LinkTypeDescription}")),
            };
        }
        if (label.HasValue)
        {
            if (label.Value > 0xFFFFF)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"MPLS label {label.Value} greater than maximum {0xFFFFF}");
            b0 = And(b0, cx.MCmp(OffsetBase.LinkPayload, 0, Opcodes.W, label.Value << 12, 0xfffff000));
        }
        cx.OffNlNoSnap += 4;
        cx.OffNl += 4;
        cx.LabelStackDepth++;
        return b0;
    }

    /// <summary><c>pppoed</c>: PPPoE discovery frames.</summary>
    public static Cond Pppoed(CodeGenContext cx) => cx.LinkProto(EtherType.PppoeD);

    /// <summary><c>pppoes [session]</c>; later tests see the PPP frame inside.</summary>
    public static Cond Pppoes(CodeGenContext cx, uint? session)
    {
        var b0 = cx.LinkProto(EtherType.PppoeS);
        if (session.HasValue)
        {
            if (session.Value > 0x0000ffff)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"PPPoE session number {session.Value} greater than maximum {0x0000ffff}");
            // The head compares the session id halfword; 1.10 masked the low half of a word.
            b0 = And(b0, cx.Head
                ? cx.Cmp(OffsetBase.LinkPayload, 2, Opcodes.H, session.Value)
                : cx.MCmp(OffsetBase.LinkPayload, 0, Opcodes.W, session.Value, 0x0000ffff));
        }
        cx.PushLinkHeader(LinkType.PPP, cx.OffLinkPl.IsVariable, cx.OffLinkPl.ConstantPart + cx.OffNl + 6, cx.OffLinkPl.Reg);
        cx.OffLinkType.CopyFrom(cx.OffLinkHdr);
        cx.OffLinkPl.ConstantPart = cx.OffLinkHdr.ConstantPart + 2;
        cx.OffNl = 0;
        cx.OffNlNoSnap = 0;
        return b0;
    }

    private static Cond GeneveCheck(CodeGenContext cx, Func<Cond> port, OffsetBase rel, uint? vni)
    {
        var b0 = port();
        b0 = And(b0, cx.MCmp(rel, 8, Opcodes.B, 0, 0xc0));
        if (vni.HasValue)
        {
            if (vni.Value > 0xffffff)
                return cx.Refuse(FilterErrorKind.ValueOutOfRange, $"Geneve VNI {vni.Value} greater than maximum {0xffffff}");
            b0 = And(b0, cx.MCmp(rel, 12, Opcodes.W, vni.Value << 8, 0xffffff00));
        }
        return b0;
    }

    /// <summary><c>geneve [vni]</c>; later tests see the encapsulated Ethernet frame.</summary>
    public static Cond Geneve(CodeGenContext cx, uint? vni) =>
        UdpTunnel(cx, GenevePort, (port, rel) => GeneveCheck(cx, port, rel, vni), GeneveOffsets);

    /// <summary>
    /// <c>vxlan [vni]</c> (the head's gen_vxlan): UDP destination port 4789, the I flag byte 0x08, the VNI;
    /// later tests see the encapsulated Ethernet frame. libpcap 1.10 has no such keyword: the word was a
    /// name there, which no primitive takes alone.
    /// </summary>
    public static Cond Vxlan(CodeGenContext cx, uint? vni)
    {
        // 1.10's parser fails on the bare word at the start of an expression, its code generator on a
        // word that follows a primitive (it inherits that primitive's qualifiers).
        if (!cx.Head)
            return cx.Refuse(cx.Position == 0 ? cx.Error(FilterErrorKind.Syntax, "can't parse filter expression: syntax error") : IdCodes.Syntax(cx));
        return UdpTunnel(cx, VxlanPort, (port, rel) => VxlanCheck(cx, port, rel, vni), VxlanOffsets);
    }

    private static Cond VxlanCheck(CodeGenContext cx, Func<Cond> port, OffsetBase rel, uint? vni)
    {
        var b0 = And(port(), cx.Cmp(rel, 8, Opcodes.B, 0x08));
        if (vni.HasValue)
        {
            if (!cx.AssertMax("VXLAN VNI", vni.Value, 0xffffff))
                return CodeGenContext.Placeholder;
            b0 = And(b0, cx.MCmp(rel, 12, Opcodes.W, vni.Value << 8, 0xffffff00));
        }
        return b0;
    }

    // The header checks over IPv4 and IPv6 (each leaving the IP header length in A), then the inner
    // frame's offsets, run only when a check matched (gen_geneve/gen_vxlan).
    private static Cond UdpTunnel(CodeGenContext cx, uint udpPort, Func<Func<Cond>, OffsetBase, Cond> check, Func<CodeGenContext, List<Stmt>> offsets)
    {
        // IPv4: A = X = the UDP header offset.
        var b0 = check(() => Ports.Port(cx, udpPort, (int)IpProto.Udp, Syntax.DirQualifier.Dst), OffsetBase.TransportIPv4);
        var s = cx.LoadXIpHeaderLength();
        s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Txa));
        var b4 = And(b0, Flow.NewBlock(cx, Opcodes.Jmp | Opcodes.Jeq | Opcodes.X, 0, s));
        // IPv6: the fixed 40-byte header.
        b0 = check(() => Ports.Port6(cx, udpPort, (int)IpProto.Udp, Syntax.DirQualifier.Dst), OffsetBase.TransportIPv6);
        s = cx.VariablePart(cx.OffLinkPl);
        if (s != null)
        {
            s.Add(cx.NewStmt(Opcodes.Ld | Opcodes.Imm, 40));
            s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.X));
        }
        else
            s = cx.S(Opcodes.Ld | Opcodes.Imm, 40);
        s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
        var b6 = And(b0, Flow.NewBlock(cx, Opcodes.Jmp | Opcodes.Jeq | Opcodes.X, 0, s));
        b0 = Or(b4, b6);

        var b1 = Flow.Prepend(offsets(cx), Loads.True(cx));
        b1 = And(b0, b1);
        cx.IsEncap = true;
        return b1;
    }

    // VXLAN always carries Ethernet: the inner link header starts after the 8-byte VXLAN header.
    private static List<Stmt> VxlanOffsets(CodeGenContext cx)
    {
        var s = new List<Stmt>
        {
            new(Opcodes.Alu | Opcodes.Add | Opcodes.K, cx.OffLinkPl.ConstantPart + cx.OffNl + 8),
            new(Opcodes.Alu | Opcodes.Add | Opcodes.K, VxlanHeaderLength),
        };
        cx.PushLinkHeader(LinkType.EN10MB, true, 0, cx.AllocReg());
        s.Add(cx.NewStmt(Opcodes.St, (uint)cx.OffLinkHdr.Reg));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, 12));
        cx.OffLinkType.SetVariable(cx.AllocReg());
        s.Add(cx.NewStmt(Opcodes.St, (uint)cx.OffLinkType.Reg));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, 2));
        s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
        cx.OffLinkPl.SetVariable(cx.AllocReg());
        s.Add(cx.NewStmt(Opcodes.Stx, (uint)cx.OffLinkPl.Reg));
        cx.OffNl = 0;
        return s;
    }

    // Computes the inner frame's link-type and payload offsets into registers.
    private static List<Stmt> GeneveOffsets(CodeGenContext cx)
    {
        var s = new List<Stmt>
        {
            new(Opcodes.Alu | Opcodes.Add | Opcodes.K, cx.OffLinkPl.ConstantPart + cx.OffNl + 8),
            new(Opcodes.Misc | Opcodes.Tax),
            new(Opcodes.Alu | Opcodes.Add | Opcodes.K, 2),
        };
        cx.OffLinkType.SetVariable(cx.AllocReg());
        s.Add(cx.NewStmt(Opcodes.St, (uint)cx.OffLinkType.Reg));
        s.Add(cx.NewStmt(Opcodes.Ld | Opcodes.Ind | Opcodes.B, 0));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.And | Opcodes.K, 0x3f));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Mul | Opcodes.K, 4));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, 8));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.X));
        cx.PushLinkHeader(LinkType.EN10MB, true, 0, cx.AllocReg());
        s.Add(cx.NewStmt(Opcodes.St, (uint)cx.OffLinkHdr.Reg));
        cx.NoOptimize = true;
        s.Add(cx.NewStmt(Opcodes.Ld | Opcodes.Ind | Opcodes.H, 2));
        s.Add(cx.NewStmt(Opcodes.Ldx | Opcodes.Mem, (uint)cx.OffLinkHdr.Reg));
        var proto = new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, EtherType.Teb);
        s.Add(proto);
        var txa = cx.NewStmt(Opcodes.Misc | Opcodes.Txa);
        s.Add(txa);
        proto.TrueTarget = txa;
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, 12));
        s.Add(cx.NewStmt(Opcodes.St, (uint)cx.OffLinkType.Reg));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.K, 2));
        s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
        cx.OffLinkPl.SetVariable(cx.AllocReg());
        var stx = cx.NewStmt(Opcodes.Stx, (uint)cx.OffLinkPl.Reg);
        s.Add(stx);
        proto.FalseTarget = stx;
        cx.OffNl = 0;
        return s;
    }

    private static Cond GeneveLinkLayerCheck(CodeGenContext cx)
    {
        var s = new List<Stmt>
        {
            new(Opcodes.Ld | Opcodes.Mem, (uint)cx.OffLinkHdr.Reg),
            new(Opcodes.Ldx | Opcodes.Mem, (uint)cx.OffLinkPl.Reg),
        };
        return Not(Flow.NewBlock(cx, Opcodes.Jmp | Opcodes.Jeq | Opcodes.X, 0, s));
    }
}
