using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>SS7 MTP2 signal-unit types and MTP3 routing-label fields (libpcap's gen_mtp2type_abbrev, gen_mtp3field_code).</summary>
internal static class Mtp
{
    private static bool CarriesMtp2(CodeGenContext cx) =>
        cx.LinkType is LinkType.MTP2 or LinkType.ERF or LinkType.MTP2_WITH_PHDR;

    /// <summary><c>fisu</c>, <c>lssu</c>, <c>msu</c> and their high-speed-link forms.</summary>
    public static Cond Mtp2Type(CodeGenContext cx, Mtp2Type type)
    {
        var (name, hsl) = type switch
        {
            Syntax.Mtp2Type.Fisu => ("fisu", false),
            Syntax.Mtp2Type.Lssu => ("lssu", false),
            Syntax.Mtp2Type.Msu => ("msu", false),
            Syntax.Mtp2Type.HsFisu => ("hfisu", true),
            Syntax.Mtp2Type.HsLssu => ("hlssu", true),
            _ => ("hmsu", true),
        };
        if (!CarriesMtp2(cx))
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"'{name}' supported only on {(cx.Head ? "SS7" : hsl ? "MTP2_HSL" : "MTP2")}");
        Cond Li(ushort jtype, bool reverse, uint v) => hsl
            ? cx.NCmp(OffsetBase.Packet, cx.OffLiHsl, Opcodes.H, 0xff80, jtype, reverse, v)
            : cx.NCmp(OffsetBase.Packet, cx.OffLi, Opcodes.B, 0x3f, jtype, reverse, v);
        switch (type)
        {
            case Syntax.Mtp2Type.Fisu:
            case Syntax.Mtp2Type.HsFisu:
                return Li(Opcodes.Jeq, false, 0);
            case Syntax.Mtp2Type.Lssu:
            case Syntax.Mtp2Type.HsLssu:
                var b0 = Li(Opcodes.Jgt, true, hsl ? 0x0100u : 2u);
                var b1 = Li(Opcodes.Jgt, false, 0);
                return And(b1, b0);
            default:
                return Li(Opcodes.Jgt, false, hsl ? 0x0100u : 2u);
        }
    }

    /// <summary><c>sio</c>, <c>opc</c>, <c>dpc</c>, <c>sls</c> (and the <c>h</c> forms 3 bytes further on).</summary>
    public static Cond Mtp3Field(CodeGenContext cx, Mtp3Field field, uint value, RelationTest test, bool reverse)
    {
        var jtype = Relations.JumpOf(test);
        var hsl = field >= Syntax.Mtp3Field.HsSio;
        var extra = hsl ? 3u : 0u;
        // The head names the field as written (hsio, hdpc...); 1.10 said sio, dpc... for both.
        string Keyword(string name) => cx.Head && hsl ? "h" + name : name;
        switch (field)
        {
            case Syntax.Mtp3Field.Sio:
            case Syntax.Mtp3Field.HsSio:
                if (cx.OffSio == AbsOffset.NotSet)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"'{Keyword("sio")}' supported only on SS7");
                if (value > 255)
                    return cx.Refuse(FilterErrorKind.ValueOutOfRange, cx.Head ? $"{Keyword("sio")} {value} greater than maximum 255" : $"sio value {value} too big; max value = 255");
                return cx.NCmp(OffsetBase.Packet, cx.OffSio + extra, Opcodes.B, 0xffffffff, jtype, reverse, value);
            case Syntax.Mtp3Field.Opc:
            case Syntax.Mtp3Field.HsOpc:
                if (cx.OffOpc == AbsOffset.NotSet)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"'{Keyword("opc")}' supported only on SS7");
                if (value > 16383)
                    return cx.Refuse(FilterErrorKind.ValueOutOfRange, cx.Head ? $"{Keyword("opc")} {value} greater than maximum 16383" : $"opc value {value} too big; max value = 16383");
                // The 14-bit point code is stored little-endian across the routing label.
                var opc = ((value & 0x3c00) >> 10) + ((value & 0x03fc) << 6) + ((value & 0x0003) << 22);
                return cx.NCmp(OffsetBase.Packet, cx.OffOpc + extra, Opcodes.W, 0x00c0ff0f, jtype, reverse, opc);
            case Syntax.Mtp3Field.Dpc:
            case Syntax.Mtp3Field.HsDpc:
                if (cx.OffDpc == AbsOffset.NotSet)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"'{Keyword("dpc")}' supported only on SS7");
                if (value > 16383)
                    return cx.Refuse(FilterErrorKind.ValueOutOfRange, cx.Head ? $"{Keyword("dpc")} {value} greater than maximum 16383" : $"dpc value {value} too big; max value = 16383");
                if (cx.Head)
                {
                    // The head loads the 14-bit DPC as a little-endian halfword (1.10's word mask was wrong).
                    var swapped = (uint)System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)value);
                    return cx.NCmp(OffsetBase.Packet, cx.OffDpc + extra, Opcodes.H, 0xff3f, jtype, reverse, swapped);
                }
                var dpc = ((value & 0xff) << 24) + ((value & 0x3f00) << 8);
                return cx.NCmp(OffsetBase.Packet, cx.OffDpc + extra, Opcodes.W, 0xff3f0000, jtype, reverse, dpc);
            default:
                if (cx.OffSls == AbsOffset.NotSet)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"'{Keyword("sls")}' supported only on SS7");
                if (value > 15)
                    return cx.Refuse(FilterErrorKind.ValueOutOfRange, cx.Head ? $"{Keyword("sls")} {value} greater than maximum 15" : $"sls value {value} too big; max value = 15");
                return cx.NCmp(OffsetBase.Packet, cx.OffSls + extra, Opcodes.B, 0xf0, jtype, reverse, value << 4);
        }
    }
}
