using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// Loading packet fields relative to a layer (libpcap's gen_load_a and friends) and the basic
/// compare-and-branch tests built on them (gen_cmp, gen_mcmp, gen_bcmp, gen_ncmp).
/// </summary>
internal static class Loads
{
    /// <summary>One statement as a statement list.</summary>
    public static List<Stmt> S(this CodeGenContext cx, ushort code, uint k = 0)
    {
        var list = cx.NewList();
        list.Add(cx.NewStmt(code, k));
        return list;
    }

    /// <summary>
    /// <c>ldx M[reg]</c> loading the variable part of <paramref name="off"/> into X, allocating the
    /// register on first use; null when the offset is constant.
    /// </summary>
    public static List<Stmt>? VariablePart(this CodeGenContext cx, AbsOffset off)
    {
        if (!off.IsVariable)
            return null;
        if (off.Reg == -1)
            off.Reg = cx.AllocReg();
        return cx.S(Opcodes.Ldx | Opcodes.Mem, (uint)off.Reg);
    }

    /// <summary>Loads <paramref name="size"/> bytes at <paramref name="offset"/> past <paramref name="abs"/> into A.</summary>
    public static List<Stmt> LoadAbsOffsetRel(this CodeGenContext cx, AbsOffset abs, uint offset, ushort size)
    {
        var s = cx.VariablePart(abs);
        if (s != null)
        {
            s.Add(cx.NewStmt((ushort)(Opcodes.Ld | Opcodes.Ind | size), abs.ConstantPart + offset));
            return s;
        }
        return cx.S((ushort)(Opcodes.Ld | Opcodes.Abs | size), abs.ConstantPart + offset);
    }

    /// <summary>Loads a field relative to <paramref name="rel"/> into A (libpcap's gen_load_a).</summary>
    public static List<Stmt> LoadA(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size)
    {
        switch (rel)
        {
            case OffsetBase.Packet:
                return cx.S((ushort)(Opcodes.Ld | Opcodes.Abs | size), offset);
            case OffsetBase.LinkHeader:
                return cx.LoadAbsOffsetRel(cx.OffLinkHdr, offset, size);
            case OffsetBase.PrevLinkHeader:
                return cx.LoadAbsOffsetRel(cx.OffPrevLinkHdr, offset, size);
            case OffsetBase.Llc:
                return cx.LoadAbsOffsetRel(cx.OffLinkPl, offset, size);
            case OffsetBase.PrevMplsHeader:
                return cx.LoadAbsOffsetRel(cx.OffLinkPl, cx.OffNl - 4 + offset, size);
            case OffsetBase.LinkPayload:
                return cx.LoadAbsOffsetRel(cx.OffLinkPl, cx.OffNl + offset, size);
            case OffsetBase.LinkPayloadNoSnap:
                return cx.LoadAbsOffsetRel(cx.OffLinkPl, cx.OffNlNoSnap + offset, size);
            case OffsetBase.LinkType:
                return cx.LoadAbsOffsetRel(cx.OffLinkType, offset, size);
            case OffsetBase.TransportIPv4:
                var s = cx.LoadXIpHeaderLength();
                s.Add(cx.NewStmt((ushort)(Opcodes.Ld | Opcodes.Ind | size), cx.OffLinkPl.ConstantPart + cx.OffNl + offset));
                return s;
            case OffsetBase.TransportIPv6:
                return cx.LoadAbsOffsetRel(cx.OffLinkPl, cx.OffNl + 40 + offset, size);
            default:
                throw new ArgumentOutOfRangeException(nameof(rel));
        }
    }

    /// <summary>X = offset of the IPv4 payload relative to the constant part (libpcap's gen_loadx_iphdrlen).</summary>
    public static List<Stmt> LoadXIpHeaderLength(this CodeGenContext cx)
    {
        var s = cx.VariablePart(cx.OffLinkPl);
        if (s != null)
        {
            // X holds the variable payload offset: add 4 * IHL to it.
            s.Add(cx.NewStmt(Opcodes.Ld | Opcodes.Ind | Opcodes.B, cx.OffLinkPl.ConstantPart + cx.OffNl));
            s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.And | Opcodes.K, 0xf));
            s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Lsh | Opcodes.K, 2));
            s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.X));
            s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
            return s;
        }
        return cx.S(Opcodes.Ldx | Opcodes.Msh | Opcodes.B, cx.OffLinkPl.ConstantPart + cx.OffNl);
    }

    /// <summary>
    /// Tests the field (masked unless <paramref name="mask"/> is all ones) with <paramref name="jtype"/>
    /// against <paramref name="v"/>; <paramref name="reverse"/> negates &gt; and &gt;= (libpcap's gen_ncmp).
    /// </summary>
    public static Cond NCmp(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint mask, ushort jtype, bool reverse, uint v)
    {
        var s = cx.LoadA(rel, offset, size);
        if (mask != 0xffffffff)
            s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.And | Opcodes.K, mask));
        var b = Flow.Jump(cx, jtype, v, s);
        // 1.10 reverses only > and >=, so "vpi != 1" (reverse of =) meant "vpi == 1"; the head
        // reverses every test.
        if (reverse && (!cx.Options.V1_10 || jtype == Opcodes.Jgt || jtype == Opcodes.Jge))
            Flow.Not(b);
        return b;
    }

    /// <summary>field == v.</summary>
    public static Cond Cmp(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v) =>
        cx.NCmp(rel, offset, size, 0xffffffff, Opcodes.Jeq, false, v);

    /// <summary>field &gt; v.</summary>
    public static Cond CmpGt(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v) =>
        cx.NCmp(rel, offset, size, 0xffffffff, Opcodes.Jgt, false, v);

    /// <summary>field &gt;= v.</summary>
    public static Cond CmpGe(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v) =>
        cx.NCmp(rel, offset, size, 0xffffffff, Opcodes.Jge, false, v);

    /// <summary>field &lt; v.</summary>
    public static Cond CmpLt(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v) =>
        cx.NCmp(rel, offset, size, 0xffffffff, Opcodes.Jge, true, v);

    /// <summary>field &lt;= v.</summary>
    public static Cond CmpLe(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v) =>
        cx.NCmp(rel, offset, size, 0xffffffff, Opcodes.Jgt, true, v);

    /// <summary>(field &amp; mask) == v.</summary>
    public static Cond MCmp(this CodeGenContext cx, OffsetBase rel, uint offset, ushort size, uint v, uint mask) =>
        // The head: with mask 0 the field is irrelevant (A & 0 == v holds iff v == 0), so no load.
        mask == 0 && !cx.Options.V1_10 ? Loads.Uncond(cx, v == 0)
            : cx.NCmp(rel, offset, size, mask, Opcodes.Jeq, false, v);

    /// <summary>The bytes at the offset equal <paramref name="v"/>, compared in words from the end (libpcap's gen_bcmp).</summary>
    public static Cond BCmp(this CodeGenContext cx, OffsetBase rel, uint offset, ReadOnlySpan<byte> v)
    {
        Cond? b = null;
        var size = (uint)v.Length;
        while (size >= 4)
        {
            var p = v[(int)(size - 4)..];
            var tmp = cx.Cmp(rel, offset + size - 4, Opcodes.W, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(p));
            b = b == null ? tmp : Flow.And(b.Value, tmp);
            size -= 4;
        }
        while (size >= 2)
        {
            var p = v[(int)(size - 2)..];
            var tmp = cx.Cmp(rel, offset + size - 2, Opcodes.H, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(p));
            b = b == null ? tmp : Flow.And(b.Value, tmp);
            size -= 2;
        }
        if (size > 0)
        {
            var tmp = cx.Cmp(rel, offset, Opcodes.B, v[0]);
            b = b == null ? tmp : Flow.And(b.Value, tmp);
        }
        return b ?? throw new ArgumentException("empty comparison", nameof(v));
    }

    /// <summary>
    /// A test that is always <paramref name="result"/>: <c>ld #r; jeq #0</c> (libpcap's gen_uncond). The head
    /// marks it so and/or/not fold it away; 1.10 links its block in like any other test.
    /// </summary>
    public static Cond Uncond(CodeGenContext cx, bool result)
    {
        var b = Flow.Jump(cx, Opcodes.Jeq, 0, cx.S(Opcodes.Ld | Opcodes.Imm, result ? 0u : 1u));
        if (!cx.Options.V1_10)
            b.Meaning = result ? CondMeaning.True : CondMeaning.False;
        return b;
    }

    /// <summary>Always true, foldable in the head mode.</summary>
    public static Cond True(CodeGenContext cx) => Uncond(cx, true);

    /// <summary>Always false, foldable in the head mode.</summary>
    public static Cond False(CodeGenContext cx) => Uncond(cx, false);

    /// <summary>A jump block on A's current value, after <paramref name="stmts"/>.</summary>
    public static Cond JSet(CodeGenContext cx, List<Stmt> stmts, uint bits) => Flow.Jump(cx, Opcodes.Jset, bits, stmts);
}
