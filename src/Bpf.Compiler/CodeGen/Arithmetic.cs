using Bpf.Compiler.Ir;
using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// A value being computed for a relation (libpcap's <c>struct arth</c>): the statements that leave
/// it in scratch register <see cref="RegNo"/>, and the protocol checks <see cref="Checks"/> that must
/// hold for the loads in it to make sense (<c>tcp[0]</c> needs a TCP packet).
/// </summary>
internal sealed class Arth(List<Stmt> stmts, int regNo)
{
    /// <summary>The statements computing the value.</summary>
    public List<Stmt> Stmts { get; } = stmts;

    /// <summary>The register holding the value.</summary>
    public int RegNo { get; set; } = regNo;

    /// <summary>Protocol checks guarding the loads, or null.</summary>
    public Cond? Checks { get; set; }
}

/// <summary>Arithmetic, packet-data loads and relations (libpcap's gen_load, gen_arth, gen_relation...).</summary>
internal static class Arithmetic
{
    private static Stmt ToX(CodeGenContext cx, Arth a) => cx.NewStmt(Opcodes.Ldx | Opcodes.Mem, (uint)a.RegNo);
    private static Stmt ToA(CodeGenContext cx, Arth a) => cx.NewStmt(Opcodes.Ld | Opcodes.Mem, (uint)a.RegNo);

    /// <summary>A constant.</summary>
    public static Arth LoadImmediate(CodeGenContext cx, uint value)
    {
        var reg = cx.AllocReg();
        return new Arth([cx.NewStmt(Opcodes.Ld | Opcodes.Imm, value), cx.NewStmt(Opcodes.St, (uint)reg)], reg);
    }

    /// <summary><c>len</c>: the wire length.</summary>
    public static Arth LoadLength(CodeGenContext cx)
    {
        var reg = cx.AllocReg();
        return new Arth([cx.NewStmt(Opcodes.Ld | Opcodes.Len), cx.NewStmt(Opcodes.St, (uint)reg)], reg);
    }

    /// <summary><c>-a</c>.</summary>
    public static Arth Negate(CodeGenContext cx, Arth a)
    {
        a.Stmts.Add(ToA(cx, a));
        a.Stmts.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Neg));
        a.Stmts.Add(cx.NewStmt(Opcodes.St, (uint)a.RegNo));
        return a;
    }

    /// <summary>The ALU operation of an operator.</summary>
    public static ushort AluOf(ArithOperator op) => op switch
    {
        ArithOperator.Add => Opcodes.Add,
        ArithOperator.Subtract => Opcodes.Sub,
        ArithOperator.Multiply => Opcodes.Mul,
        ArithOperator.Divide => Opcodes.Div,
        ArithOperator.Modulo => Opcodes.Mod,
        ArithOperator.And => Opcodes.And,
        ArithOperator.Or => Opcodes.Or,
        ArithOperator.Xor => Opcodes.Xor,
        ArithOperator.LeftShift => Opcodes.Lsh,
        _ => Opcodes.Rsh,
    };

    /// <summary><c>a0 op a1</c>, rejecting constant division by zero and shifts over 31 as libpcap does.</summary>
    public static Arth Binary(CodeGenContext cx, ushort code, Arth a0, Arth a1)
    {
        var first = a1.Stmts[0];
        var isConst = first.Code == (Opcodes.Ld | Opcodes.Imm);
        if (code == Opcodes.Div && isConst && first.K == 0)
        {
            cx.Fail(FilterErrorKind.ValueOutOfRange, "division by zero");
            return a0;
        }
        if (code == Opcodes.Mod && isConst && first.K == 0)
        {
            cx.Fail(FilterErrorKind.ValueOutOfRange, "modulus by zero");
            return a0;
        }
        if ((code == Opcodes.Lsh || code == Opcodes.Rsh) && isConst && first.K > 31)
        {
            cx.Fail(FilterErrorKind.ValueOutOfRange, "shift by more than 31 bits");
            return a0;
        }
        a0.Stmts.AddRange(a1.Stmts);
        a0.Stmts.Add(ToX(cx, a1));
        a0.Stmts.Add(ToA(cx, a0));
        a0.Stmts.Add(cx.NewStmt((ushort)(Opcodes.Alu | Opcodes.X | code)));
        cx.FreeReg(a0.RegNo);
        cx.FreeReg(a1.RegNo);
        a0.RegNo = cx.AllocReg();
        a0.Stmts.Add(cx.NewStmt(Opcodes.St, (uint)a0.RegNo));
        return a0;
    }

    /// <summary>The jump test of a relation.</summary>
    public static ushort JumpOf(RelationTest test) => Relations.JumpOf(test);

    /// <summary><c>a0 relop a1</c> (libpcap's gen_relation).</summary>
    public static Cond Relation(CodeGenContext cx, ushort jtype, Arth a0, Arth a1, bool reversed)
    {
        if (cx.Head)
            return HeadRelation(cx, jtype, a0, a1, reversed);
        Cond b;
        var tail = new List<Stmt> { ToX(cx, a1), ToA(cx, a0) };
        if (jtype == Opcodes.Jeq)
        {
            // Equality compares A - X with zero.
            tail.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Sub | Opcodes.X));
            b = Flow.Jump(cx, jtype, 0);
        }
        else
            b = NewBlock(cx, (ushort)(Opcodes.Jmp | jtype | Opcodes.X));
        if (reversed)
            Not(b);
        a0.Stmts.AddRange(a1.Stmts);
        a0.Stmts.AddRange(tail);
        b.Block.Stmts.AddRange(a0.Stmts);
        cx.FreeReg(a0.RegNo);
        cx.FreeReg(a1.RegNo);
        Cond? tmp;
        if (a0.Checks != null)
            tmp = a1.Checks != null ? And(a0.Checks.Value, a1.Checks.Value) : a0.Checks;
        else
            tmp = a1.Checks;
        return tmp != null ? And(tmp.Value, b) : b;
    }

    /// <summary>
    /// The head's gen_relation: every relation, equality included, jumps on X (1.10 compared A - X
    /// with zero), and the operands' protocol checks are anded in front one at a time, a1's first.
    /// </summary>
    private static Cond HeadRelation(CodeGenContext cx, ushort jtype, Arth a0, Arth a1, bool reversed)
    {
        var b = NewBlock(cx, (ushort)(Opcodes.Jmp | jtype | Opcodes.X));
        if (reversed)
            Not(b);
        a0.Stmts.AddRange(a1.Stmts);
        a0.Stmts.Add(ToX(cx, a1));
        a0.Stmts.Add(ToA(cx, a0));
        b.Block.Stmts.AddRange(a0.Stmts);
        cx.FreeReg(a0.RegNo);
        cx.FreeReg(a1.RegNo);
        if (a0.Checks != null)
            b = And(a0.Checks.Value, b);
        if (a1.Checks != null)
            b = And(a1.Checks.Value, b);
        return b;
    }

    /// <summary><c>proto[index:size]</c> (libpcap's gen_load).</summary>
    public static Arth Load(CodeGenContext cx, ProtoQualifier proto, Arth inst, uint size)
    {
        var regno = cx.AllocReg();
        cx.FreeReg(inst.RegNo);
        if (size is not (1 or 2 or 4))
        {
            cx.Fail(FilterErrorKind.ValueOutOfRange, "data size must be 1, 2, or 4");
            return inst;
        }
        var sizeCode = size switch
        {
            1 => Opcodes.B,
            2 => Opcodes.H,
            _ => Opcodes.W,
        };
        var ldInd = (ushort)(Opcodes.Ld | Opcodes.Ind | sizeCode);
        switch (proto)
        {
            case ProtoQualifier.Radio:
                if (cx.LinkType is not (LinkType.IEEE802_11_RADIO_AVS or LinkType.IEEE802_11_RADIO or LinkType.PRISM_HEADER))
                {
                    cx.Fail(FilterErrorKind.UnsupportedForLinkType, "radio information not present in capture");
                    return inst;
                }
                inst.Stmts.Add(ToX(cx, inst));
                inst.Stmts.Add(cx.NewStmt(ldInd));
                break;
            case ProtoQualifier.Link:
                inst.Stmts.AddRange(IndexPlusOffset(cx, cx.OffLinkHdr, inst));
                inst.Stmts.Add(cx.NewStmt(ldInd, cx.OffLinkHdr.ConstantPart));
                break;
            case ProtoQualifier.IP:
            case ProtoQualifier.Arp:
            case ProtoQualifier.Rarp:
            case ProtoQualifier.Atalk:
            case ProtoQualifier.Decnet:
            case ProtoQualifier.Sca:
            case ProtoQualifier.Lat:
            case ProtoQualifier.Moprc:
            case ProtoQualifier.Mopdl:
            case ProtoQualifier.IPv6:
            {
                inst.Stmts.AddRange(IndexPlusOffset(cx, cx.OffLinkPl, inst));
                inst.Stmts.Add(cx.NewStmt(ldInd, cx.OffLinkPl.ConstantPart + cx.OffNl));
                var b = Protocols.Abbreviation(cx, proto);
                inst.Checks = inst.Checks != null ? And(inst.Checks.Value, b) : b;
                break;
            }
            case ProtoQualifier.Sctp:
            case ProtoQualifier.Tcp:
            case ProtoQualifier.Udp:
            case ProtoQualifier.Icmp:
            case ProtoQualifier.Igmp:
            case ProtoQualifier.Igrp:
            case ProtoQualifier.Pim:
            case ProtoQualifier.Vrrp:
            case ProtoQualifier.Carp:
            {
                var s = cx.LoadXIpHeaderLength();
                s.Add(ToA(cx, inst));
                s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.X));
                s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
                s.Add(cx.NewStmt(ldInd, cx.OffLinkPl.ConstantPart + cx.OffNl));
                inst.Stmts.AddRange(s);
                if (cx.Head)
                {
                    // The head: IPv4 with that protocol number (never the IPv6 branch "tcp" would
                    // add), not a later fragment, after the index's own checks.
                    var hb = Protocols.Abbreviation(cx, ProtoQualifier.IP);
                    hb = And(hb, cx.Cmp(OffsetBase.LinkPayload, 9, Opcodes.B, Protocols.IpProtocolOf(proto)));
                    hb = And(hb, Protocols.NotFragment(cx));
                    inst.Checks = inst.Checks != null ? And(inst.Checks.Value, hb) : hb;
                    break;
                }
                // gcc evaluates gen_and's arguments right to left: the fragment check comes first.
                var b = Protocols.NotFragment(cx);
                b = And(Protocols.Abbreviation(cx, proto), b);
                if (inst.Checks != null)
                    b = And(inst.Checks.Value, b);
                b = And(Protocols.Abbreviation(cx, ProtoQualifier.IP), b);
                inst.Checks = b;
                break;
            }
            case ProtoQualifier.Icmpv6:
            {
                var b = Protocols.Abbreviation(cx, ProtoQualifier.IPv6);
                if (inst.Checks != null)
                    b = And(inst.Checks.Value, b);
                inst.Checks = b;
                b = cx.Cmp(OffsetBase.LinkPayload, 6, Opcodes.B, IpProto.IcmpV6);
                inst.Checks = And(inst.Checks.Value, b);
                inst.Stmts.AddRange(IndexPlusOffset(cx, cx.OffLinkPl, inst));
                inst.Stmts.Add(cx.NewStmt(ldInd, cx.OffLinkPl.ConstantPart + cx.OffNl + 40));
                break;
            }
            default:
                cx.Fail(FilterErrorKind.InvalidQualifier,
                    cx.Head ? $"'{QualifierNames.Keyword(proto)}' does not support the index operation" : "unsupported index operation");
                return inst;
        }
        inst.RegNo = regno;
        inst.Stmts.Add(cx.NewStmt(Opcodes.St, (uint)regno));
        return inst;
    }

    // X = index (+ the variable part of the header offset when there is one).
    private static List<Stmt> IndexPlusOffset(CodeGenContext cx, AbsOffset off, Arth inst)
    {
        var s = cx.VariablePart(off);
        if (s == null)
            return [ToX(cx, inst)];
        s.Add(ToA(cx, inst));
        s.Add(cx.NewStmt(Opcodes.Alu | Opcodes.Add | Opcodes.X));
        s.Add(cx.NewStmt(Opcodes.Misc | Opcodes.Tax));
        return s;
    }
}

/// <summary>Relational operators and the length/byte shorthand tests.</summary>
internal static class Relations
{
    /// <summary>The BPF jump of a relation test.</summary>
    public static ushort JumpOf(RelationTest test) => test switch
    {
        RelationTest.Greater => Opcodes.Jgt,
        RelationTest.GreaterOrEqual => Opcodes.Jge,
        _ => Opcodes.Jeq,
    };

    /// <summary><c>greater N</c>: wire length &gt;= N.</summary>
    public static Cond Greater(CodeGenContext cx, uint n) => Flow.Jump(cx, Opcodes.Jge, n, cx.S(Opcodes.Ld | Opcodes.Len));

    /// <summary><c>less N</c>: wire length &lt;= N.</summary>
    public static Cond Less(CodeGenContext cx, uint n) => Not(Flow.Jump(cx, Opcodes.Jgt, n, cx.S(Opcodes.Ld | Opcodes.Len)));

    /// <summary><c>byte I op V</c> (libpcap's gen_byteop).</summary>
    public static Cond ByteOp(CodeGenContext cx, ByteOperator op, uint idx, uint val)
    {
        if (!cx.AssertMax("byte argument", val, 255))
            return CodeGenContext.Placeholder;
        switch (op)
        {
            case ByteOperator.Equal:
                return cx.Cmp(OffsetBase.LinkHeader, idx, Opcodes.B, val);
            case ByteOperator.Less:
                return cx.CmpLt(OffsetBase.LinkHeader, idx, Opcodes.B, val);
            case ByteOperator.Greater:
                return cx.CmpGt(OffsetBase.LinkHeader, idx, Opcodes.B, val);
            default:
                // libpcap applies the operation to whatever A holds and tests it against zero.
                // 1.10 applied the operation to whatever A held and tested that against zero; the head
                // loads the byte first ("byte 5 & 1" tests the byte).
                var alu = op == ByteOperator.Or ? Opcodes.Or : Opcodes.And;
                var stmts = cx.S((ushort)(Opcodes.Alu | alu | Opcodes.K), val);
                if (cx.Head)
                    stmts = [.. cx.LoadA(OffsetBase.LinkHeader, idx, Opcodes.B), .. stmts];
                return Not(Flow.Jump(cx, Opcodes.Jeq, 0, stmts));
        }
    }
}
