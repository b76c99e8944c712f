using Bpf.Compiler.Ir;
using Bpf.Compiler.Syntax;
using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// <c>protochain N</c>: a loop over the IPv6 extension headers and IPv4/IPv6 AH headers looking for
/// protocol N (libpcap's gen_protochain). The loop lives inside one block as statement-level jumps,
/// which is why it switches the optimizer off.
/// </summary>
internal static class Protochain
{
    private static Stmt St(ushort code, uint k = 0) => new(code, k);

    /// <summary>Generates the loop for <paramref name="proto"/> (IP, IPv6, or both when Default).</summary>
    public static Cond Generate(CodeGenContext cx, uint v, ProtoQualifier proto)
    {
        var reg2 = cx.AllocReg();
        switch (proto)
        {
            case ProtoQualifier.IP:
            case ProtoQualifier.IPv6:
                if (!cx.AssertMax("protocol number", v, 255))
                    return CodeGenContext.Placeholder;
                break;
            case ProtoQualifier.Default:
                var b0d = Generate(cx, v, ProtoQualifier.IP);
                return Or(b0d, Generate(cx, v, ProtoQualifier.IPv6));
            default:
                return cx.Refuse(FilterErrorKind.InvalidQualifier, "bad protocol applied for 'protochain'");
        }
        if (cx.OffLinkPl.IsVariable)
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, "'protochain' not supported with variable length headers");
        cx.NoOptimize = true;

        var nl = cx.OffLinkPl.ConstantPart + cx.OffNl;
        var s = cx.NewList();
        Cond b0;
        if (proto == ProtoQualifier.IP)
        {
            b0 = cx.LinkProto(EtherType.IP);
            s.Add(St(Opcodes.Ld | Opcodes.Abs | Opcodes.B, nl + 9));
            s.Add(St(Opcodes.Ldx | Opcodes.Msh | Opcodes.B, nl));
        }
        else
        {
            b0 = cx.LinkProto(EtherType.IPv6);
            s.Add(St(Opcodes.Ld | Opcodes.Abs | Opcodes.B, nl + 6));
            s.Add(St(Opcodes.Ldx | Opcodes.Imm, 40));
        }
        // s[0] of libpcap is a dummy, so its indices are ours plus one; "again" is the loop head.
        var again = s.Count + 1;
        var fix5 = Add(s, new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, v));
        var fix2 = Add(s, new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, IpProto.None));
        fix5.FalseTarget = fix2;
        JumpStmt? fix3 = null;
        if (proto == ProtoQualifier.IPv6)
        {
            // Hop-by-hop, destination options, routing and fragment headers: skip and loop.
            var v6 = new List<JumpStmt>();
            foreach (var ext in new[] { IpProto.HopOpts, IpProto.DstOpts, IpProto.Routing, IpProto.Fragment })
            {
                var j = Add(s, new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, ext));
                if (v6.Count == 0)
                    fix2.FalseTarget = j;
                else
                    v6[^1].FalseTarget = j;
                v6.Add(j);
            }
            fix3 = v6[^1];
            var advance = Add(s, St(Opcodes.Ld | Opcodes.Ind | Opcodes.B, nl));
            Add(s, St(Opcodes.St, (uint)reg2));
            Add(s, St(Opcodes.Ld | Opcodes.Ind | Opcodes.B, nl + 1));
            Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 1));
            Add(s, St(Opcodes.Alu | Opcodes.Mul | Opcodes.K, 8));
            Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.X, 0));
            Add(s, St(Opcodes.Misc | Opcodes.Tax));
            Add(s, St(Opcodes.Ld | Opcodes.Mem, (uint)reg2));
            var i = s.Count + 1;
            Add(s, St(Opcodes.Jmp | Opcodes.Ja, (uint)(again - i - 1)));
            foreach (var j in v6)
                j.TrueTarget = advance;
        }
        else
        {
            var nop = Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 0));
            fix2.FalseTarget = nop;
        }
        // AH: skip it (its length is in 4-byte units, plus 2) and loop.
        var fix4 = Add(s, new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, IpProto.Ah));
        if (fix3 != null)
            fix3.FalseTarget = fix4;
        // 1.10 copied X to A first, which the load overwrites; the head starts with the load.
        var copy = cx.Head ? null : Add(s, St(Opcodes.Misc | Opcodes.Txa));
        var load = Add(s, St(Opcodes.Ld | Opcodes.Ind | Opcodes.B, nl));
        fix4.TrueTarget = copy ?? load;
        Add(s, St(Opcodes.St, (uint)reg2));
        Add(s, St(Opcodes.Misc | Opcodes.Txa));
        Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 1));
        Add(s, St(Opcodes.Misc | Opcodes.Tax));
        Add(s, St(Opcodes.Ld | Opcodes.Ind | Opcodes.B, nl));
        Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 2));
        Add(s, St(Opcodes.Alu | Opcodes.Mul | Opcodes.K, 4));
        Add(s, St(Opcodes.Misc | Opcodes.Tax));
        Add(s, St(Opcodes.Ld | Opcodes.Mem, (uint)reg2));
        var at = s.Count + 1;
        Add(s, St(Opcodes.Jmp | Opcodes.Ja, (uint)(again - at - 1)));
        var end = Add(s, St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 0));
        fix2.TrueTarget = end;
        fix4.FalseTarget = end;
        fix5.TrueTarget = end;

        var b = Flow.Jump(cx, Opcodes.Jeq, v, s);
        cx.FreeReg(reg2);
        return And(b0, b);
    }

    private static T Add<T>(List<Stmt> s, T stmt)
        where T : Stmt
    {
        s.Add(stmt);
        return stmt;
    }
}
