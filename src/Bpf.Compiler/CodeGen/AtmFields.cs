using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>SunATM pseudo-header and Q.2931 signalling tests (libpcap's gen_atm*).</summary>
internal static class AtmFields
{
    /// <summary>libpcap's A_PROTOTYPE: the protocol-type nibble.</summary>
    public const int ProtoType = 53;
    /// <summary>libpcap's A_MSGTYPE: the signalling message type.</summary>
    public const int MsgType = 54;
    private const int Vpi = (int)AtmField.Vpi, Vci = (int)AtmField.Vci;
    private const uint MsgTypePos = 5;

    // Q.2931 message types (atmuni31.h).
    private const uint Setup = 0x05, CallProceed = 0x02, Connect = 0x07, ConnectAck = 0x0f, Release = 0x4d, ReleaseDone = 0x5a;

    /// <summary>Compares an ATM header field (libpcap's gen_atmfield_code_internal).</summary>
    public static Cond FieldCode(CodeGenContext cx, int field, uint value, ushort jtype, bool reverse)
    {
        switch (field)
        {
            case Vpi:
                if (!RequireAtm(cx, "vpi"))
                    return CodeGenContext.Placeholder;
                if (!cx.AssertMax("VPI", value, 255))
                    return CodeGenContext.Placeholder;
                return cx.NCmp(OffsetBase.LinkHeader, cx.OffVpi, Opcodes.B, 0xffffffff, jtype, reverse, value);
            case Vci:
                if (!RequireAtm(cx, "vci"))
                    return CodeGenContext.Placeholder;
                if (!cx.AssertMax("VCI", value, 0xffff))
                    return CodeGenContext.Placeholder;
                return cx.NCmp(OffsetBase.LinkHeader, cx.OffVci, Opcodes.H, 0xffffffff, jtype, reverse, value);
            case ProtoType:
                return cx.NCmp(OffsetBase.LinkHeader, cx.OffProto, Opcodes.B, 0x0f, jtype, reverse, value);
            case MsgType:
                return cx.NCmp(OffsetBase.LinkHeader, cx.OffPayload + MsgTypePos, Opcodes.B, 0xffffffff, jtype, reverse, value);
            default:
                throw new ArgumentOutOfRangeException(nameof(field));
        }
    }

    /// <summary><c>vpi 3</c>, <c>vci &gt; 32</c> from the AST.</summary>
    public static Cond Field(CodeGenContext cx, AtmField field, uint value, RelationTest test, bool reversed) =>
        FieldCode(cx, (int)field, value, Relations.JumpOf(test), reversed);

    private static Cond VpiVci(CodeGenContext cx, uint vpi, uint vci)
    {
        var b0 = FieldCode(cx, Vpi, vpi, Opcodes.Jeq, false);
        return And(b0, FieldCode(cx, Vci, vci, Opcodes.Jeq, false));
    }

    /// <summary>LLC-encapsulated traffic; later tests see the LLC payload.</summary>
    public static Cond AtmTypeLlc(CodeGenContext cx)
    {
        var b0 = FieldCode(cx, ProtoType, SunAtm.PtLlc, Opcodes.Jeq, false);
        cx.LinkType = cx.PrevLinkType;
        return b0;
    }

    private static bool RequireAtm(CodeGenContext cx, string name)
    {
        if (cx.IsAtm)
            return true;
        cx.Fail(FilterErrorKind.UnsupportedForLinkType, $"'{name}' supported only on {(cx.Head ? "SUNATM" : "raw ATM")}");
        return false;
    }

    /// <summary><c>metac</c>, <c>bcc</c>, <c>oamf4sc</c>, <c>oamf4ec</c>, <c>sc</c>, <c>ilmic</c>, <c>lane</c>.</summary>
    public static Cond TypeAbbreviation(CodeGenContext cx, AtmAbbreviation type)
    {
        switch (type)
        {
            case AtmAbbreviation.Metac: return RequireAtm(cx, "metac") ? VpiVci(cx, 0, 1) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Bcc: return RequireAtm(cx, "bcc") ? VpiVci(cx, 0, 2) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Oamf4Sc: return RequireAtm(cx, cx.Head ? "oamf4sc" : "oam4sc") ? VpiVci(cx, 0, 3) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Oamf4Ec: return RequireAtm(cx, cx.Head ? "oamf4ec" : "oam4ec") ? VpiVci(cx, 0, 4) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Sc: return RequireAtm(cx, "sc") ? VpiVci(cx, 0, 5) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Ilmic: return RequireAtm(cx, "ilmic") ? VpiVci(cx, 0, 16) : CodeGenContext.Placeholder;
            case AtmAbbreviation.Lane:
                if (!RequireAtm(cx, "lane"))
                    return CodeGenContext.Placeholder;
                var b1 = FieldCode(cx, ProtoType, SunAtm.PtLane, Opcodes.Jeq, false);
                // LANE carries Ethernet after a 2-byte LE header: later tests see that frame.
                cx.PushLinkHeader(LinkType.EN10MB, false, cx.OffPayload + 2, -1);
                cx.OffLinkType.ConstantPart = cx.OffLinkHdr.ConstantPart + 12;
                cx.OffLinkPl.ConstantPart = cx.OffLinkHdr.ConstantPart + 14;
                cx.OffNl = 0;
                cx.OffNlNoSnap = 3;
                return b1;
            default:
                return cx.Refuse(FilterErrorKind.Syntax, "syntax error in filter expression");
        }
    }

    private static Cond Msg(CodeGenContext cx, uint type) => FieldCode(cx, MsgType, type, Opcodes.Jeq, false);

    /// <summary><c>oam</c>, <c>oamf4</c>, <c>connectmsg</c>, <c>metaconnect</c>.</summary>
    public static Cond MultiAbbreviation(CodeGenContext cx, AtmAbbreviation type)
    {
        Cond b0, b1;
        switch (type)
        {
            case AtmAbbreviation.Oam:
            case AtmAbbreviation.Oamf4:
                if (!RequireAtm(cx, type == AtmAbbreviation.Oam ? "oam" : "oamf4"))
                    return CodeGenContext.Placeholder;
                b0 = FieldCode(cx, Vci, 3, Opcodes.Jeq, false);
                b1 = Or(b0, FieldCode(cx, Vci, 4, Opcodes.Jeq, false));
                return And(FieldCode(cx, Vpi, 0, Opcodes.Jeq, false), b1);
            case AtmAbbreviation.ConnectMsg:
                if (!RequireAtm(cx, "connectmsg"))
                    return CodeGenContext.Placeholder;
                b0 = Msg(cx, Setup);
                b1 = Or(b0, Msg(cx, CallProceed));
                b1 = Or(Msg(cx, Connect), b1);
                b1 = Or(Msg(cx, ConnectAck), b1);
                b1 = Or(Msg(cx, Release), b1);
                b1 = Or(Msg(cx, ReleaseDone), b1);
                return And(VpiVci(cx, 0, 5), b1);
            case AtmAbbreviation.MetaConnect:
                if (!RequireAtm(cx, "metaconnect"))
                    return CodeGenContext.Placeholder;
                b0 = Msg(cx, Setup);
                b1 = Or(b0, Msg(cx, CallProceed));
                b1 = Or(Msg(cx, Connect), b1);
                b1 = Or(Msg(cx, Release), b1);
                b1 = Or(Msg(cx, ReleaseDone), b1);
                return And(VpiVci(cx, 0, 1), b1);
            default:
                return cx.Refuse(FilterErrorKind.Syntax, "syntax error in filter expression");
        }
    }
}
