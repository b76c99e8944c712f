using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>802.2 LLC and SNAP tests (libpcap's gen_snap, gen_llc_linktype, gen_llc*).</summary>
internal static class LlcTests
{
    /// <summary>An LLC header announcing SNAP with the given OUI and protocol type.</summary>
    public static Cond Snap(this CodeGenContext cx, uint orgCode, uint protoType)
    {
        ReadOnlySpan<byte> snap =
        [
            (byte)Llc.SapSnap, (byte)Llc.SapSnap, 0x03,
            (byte)(orgCode >> 16), (byte)(orgCode >> 8), (byte)orgCode,
            (byte)(protoType >> 8), (byte)protoType,
        ];
        return cx.BCmp(OffsetBase.Llc, 0, snap);
    }

    /// <summary>The protocol test for link types that always carry 802.2 (libpcap's gen_llc_linktype).</summary>
    public static Cond LlcLinkType(this CodeGenContext cx, uint proto)
    {
        switch (proto)
        {
            case Llc.SapIP:
            case Llc.SapIsoNs:
            case Llc.SapNetbeui:
                return cx.Cmp(OffsetBase.Llc, 0, Opcodes.H, (proto << 8) | proto);
            case Llc.SapIpx:
                return cx.Cmp(OffsetBase.Llc, 0, Opcodes.B, Llc.SapIpx);
            case EtherType.Atalk:
                return cx.Snap(0x080007, EtherType.Atalk);
            default:
                if (!cx.AssertMax(proto <= EtherType.Mtu ? "LLC DSAP" : "EtherType", proto, proto <= EtherType.Mtu ? 255u : 0xffff))
                    return CodeGenContext.Placeholder;
                return proto <= EtherType.Mtu
                    ? cx.Cmp(OffsetBase.Llc, 0, Opcodes.B, proto)
                    : cx.Cmp(OffsetBase.Llc, 6, Opcodes.H, proto);
        }
    }

    /// <summary><c>llc</c>: the frame has an 802.2 header (libpcap's gen_llc_internal).</summary>
    public static Cond IsLlc(CodeGenContext cx)
    {
        switch (cx.LinkType)
        {
            case LinkType.EN10MB:
            case LinkType.DSA_TAG_BRCM or LinkType.DSA_TAG_DSA when cx.Head:
                var b0 = Not(cx.CmpGt(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Mtu));
                var b1 = Not(cx.Cmp(OffsetBase.Llc, 0, Opcodes.H, 0xFFFF));
                return And(b0, b1);
            case LinkType.SUNATM:
                return AtmFields.AtmTypeLlc(cx);
            case LinkType.IEEE802:
            case LinkType.FDDI:
            case LinkType.ATM_RFC1483:
                return Loads.True(cx);
            case LinkType.IEEE802_11:
            case LinkType.PRISM_HEADER:
            case LinkType.IEEE802_11_RADIO:
            case LinkType.IEEE802_11_RADIO_AVS:
            case LinkType.PPI:
                // The head tests the frame type field as a whole (data = 0b10); 1.10 tested its two bits.
                return cx.Head
                    ? cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, 0x08, 0x0c)
                    : WirelessFields.DataFrameCheck(cx);
            default:
                return cx.Refuse(cx.NotOnLinkType("llc", $"'llc' not supported for {cx.LinkTypeDescription}"));
        }
    }

    /// <summary><c>llc i</c>: an information frame (low control bit clear).</summary>
    public static Cond IFrame(CodeGenContext cx)
    {
        var b0 = IsLlc(cx);
        var b1 = Not(Loads.JSet(cx, cx.LoadA(OffsetBase.Llc, 2, Opcodes.B), 0x01));
        return And(b0, b1);
    }

    /// <summary><c>llc s</c>.</summary>
    public static Cond SFrame(CodeGenContext cx)
    {
        var b0 = IsLlc(cx);
        return And(b0, cx.MCmp(OffsetBase.Llc, 2, Opcodes.B, Llc.SFormat, 0x03));
    }

    /// <summary><c>llc u</c>.</summary>
    public static Cond UFrame(CodeGenContext cx)
    {
        var b0 = IsLlc(cx);
        return And(b0, cx.MCmp(OffsetBase.Llc, 2, Opcodes.B, Llc.UFormat, 0x03));
    }

    /// <summary><c>llc rr</c> and the other supervisory subtypes.</summary>
    public static Cond SSubtype(CodeGenContext cx, uint subtype)
    {
        var b0 = IsLlc(cx);
        return And(b0, cx.MCmp(OffsetBase.Llc, 2, Opcodes.B, subtype, Llc.SCommandMask));
    }

    /// <summary><c>llc ui</c> and the other unnumbered subtypes.</summary>
    public static Cond USubtype(CodeGenContext cx, uint subtype)
    {
        var b0 = IsLlc(cx);
        return And(b0, cx.MCmp(OffsetBase.Llc, 2, Opcodes.B, subtype, Llc.UCommandMask));
    }
}
