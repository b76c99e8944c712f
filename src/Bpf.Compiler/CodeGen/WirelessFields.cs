using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>802.11 header tests: data-frame check, <c>type</c>/<c>subtype</c>/<c>dir</c>, and the address fields.</summary>
internal static class WirelessFields
{
    private static Cond FcJSet(CodeGenContext cx, uint offset, uint bits) =>
        Loads.JSet(cx, cx.LoadA(OffsetBase.LinkHeader, offset, Opcodes.B), bits);

    /// <summary>A data frame: frame-control bit 0x08 set and 0x04 clear.</summary>
    public static Cond DataFrameCheck(CodeGenContext cx)
    {
        var b0 = FcJSet(cx, 0, 0x08);
        var b1 = Not(FcJSet(cx, 0, 0x04));
        return And(b1, b0);
    }

    // The head also reads type and direction through DLT_PPI ("Enable [wlan] dir/type/subtype for DLT_PPI").
    private static bool HasWlanHeader(CodeGenContext cx) => cx.LinkType is LinkType.IEEE802_11 or LinkType.PRISM_HEADER
        or LinkType.IEEE802_11_RADIO_AVS or LinkType.IEEE802_11_RADIO || (cx.Head && cx.LinkType == LinkType.PPI);

    /// <summary><c>type data</c>, <c>subtype beacon</c>: the masked frame-control byte.</summary>
    public static Cond FrameType(CodeGenContext cx, uint type, uint mask)
    {
        if (!HasWlanHeader(cx))
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, cx.Head
                ? $"'type/subtype' not supported on {cx.LinkTypeForErrors}" : "802.11 link-layer types supported only on 802.11");
        return cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, type, mask);
    }

    /// <summary><c>dir tods</c>: the DS bits of the second frame-control byte.</summary>
    public static Cond FrameDirection(CodeGenContext cx, uint direction)
    {
        if (!HasWlanHeader(cx))
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, cx.Head
                ? $"'dir' not supported on {cx.LinkTypeForErrors}" : "frame direction supported only with 802.11 headers");
        return cx.MCmp(OffsetBase.LinkHeader, 1, Opcodes.B, direction, Wlan.DirMask);
    }

    // The address a frame's source or destination sits in depends on the DS bits and frame type.
    private static Cond DirectionalHost(CodeGenContext cx, byte[] mac, uint fromDsBoth, uint fromDsNone, uint noDsOffset, bool checkFromDs)
    {
        var b1 = FcJSet(cx, 1, 0x01); // To DS
        var b0 = And(b1, cx.BCmp(OffsetBase.LinkHeader, fromDsBoth, mac));
        var b2 = Not(FcJSet(cx, 1, 0x01));
        b1 = And(b2, cx.BCmp(OffsetBase.LinkHeader, fromDsNone, mac));
        b0 = Or(b1, b0);
        if (checkFromDs)
        {
            // Source addresses also depend on the From DS bit.
            b1 = FcJSet(cx, 1, 0x02);
            b0 = And(b1, b0);
            b2 = Not(FcJSet(cx, 1, 0x02));
            b1 = And(b2, cx.BCmp(OffsetBase.LinkHeader, noDsOffset, mac));
            b0 = Or(b1, b0);
        }
        b1 = FcJSet(cx, 0, 0x08); // data frame
        b0 = And(b1, b0);
        b2 = Not(FcJSet(cx, 0, 0x08));
        b1 = And(b2, cx.BCmp(OffsetBase.LinkHeader, noDsOffset, mac));
        b0 = Or(b1, b0);
        b1 = Not(FcJSet(cx, 0, 0x04)); // not a control frame
        return And(b1, b0);
    }

    private static Cond NotCtlOrNotCtsAck(CodeGenContext cx)
    {
        var b0 = Not(cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, Wlan.TypeCtl, Wlan.TypeMask));
        var b1 = Not(cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, Wlan.SubtypeCts, Wlan.SubtypeMask));
        var b2 = Not(cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, Wlan.SubtypeAck, Wlan.SubtypeMask));
        b2 = And(b1, b2);
        return Or(b0, b2);
    }

    /// <summary>An 802.11 address in the direction <paramref name="dir"/> (libpcap's gen_wlanhostop).</summary>
    public static Cond HostOp(CodeGenContext cx, byte[] mac, DirQualifier dir)
    {
        switch (dir)
        {
            case DirQualifier.Src:
                return DirectionalHost(cx, mac, 24, 16, 10, true);
            case DirQualifier.Dst:
                return DirectionalHost(cx, mac, 16, 4, 4, false);
            case DirQualifier.And:
                return And(HostOp(cx, mac, DirQualifier.Src), HostOp(cx, mac, DirQualifier.Dst));
            case DirQualifier.Default:
            case DirQualifier.Or:
                return Or(HostOp(cx, mac, DirQualifier.Src), HostOp(cx, mac, DirQualifier.Dst));
            case DirQualifier.Addr1:
                return cx.BCmp(OffsetBase.LinkHeader, 4, mac);
            case DirQualifier.Addr2:
            {
                var b2 = NotCtlOrNotCtsAck(cx);
                return And(b2, cx.BCmp(OffsetBase.LinkHeader, 10, mac));
            }
            case DirQualifier.Addr3:
            {
                var b0 = Not(cx.MCmp(OffsetBase.LinkHeader, 0, Opcodes.B, Wlan.TypeCtl, Wlan.TypeMask));
                return And(b0, cx.BCmp(OffsetBase.LinkHeader, 16, mac));
            }
            case DirQualifier.Addr4:
            {
                var b0 = cx.MCmp(OffsetBase.LinkHeader, 1, Opcodes.B, Wlan.DirDsToDs, Wlan.DirMask);
                return And(b0, cx.BCmp(OffsetBase.LinkHeader, 24, mac));
            }
            case DirQualifier.Ra:
            {
                var b1 = FcJSet(cx, 0, 0x08);
                return And(b1, cx.BCmp(OffsetBase.LinkHeader, 4, mac));
            }
            case DirQualifier.Ta:
            {
                var b2 = NotCtlOrNotCtsAck(cx);
                var b1 = FcJSet(cx, 0, 0x08);
                b2 = And(b1, b2);
                return And(b2, cx.BCmp(OffsetBase.LinkHeader, 10, mac));
            }
            default:
                return cx.Refuse(FilterErrorKind.Syntax, "syntax error in filter expression");
        }
    }
}
