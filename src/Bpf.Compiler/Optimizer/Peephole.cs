using System.Runtime.InteropServices;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_peep</c>: local rewrites of adjacent statements and of the final branch
/// (folding the comparison when A or X is a known constant). Statements are never removed from
/// the list, only turned into NOPs, so positions stay comparable with libpcap's.
/// </summary>
internal static class Peephole
{
    /// <summary>Rewrites <paramref name="b"/> after its values are known.</summary>
    public static void Run(FlowGraph graph, BlockState b)
    {
        // A span: the statements are rewritten in place, never added or removed here.
        var stmts = CollectionsMarshal.AsSpan(b.Block.Stmts);
        if (stmts.Length == 0)
        {
            return;
        }

        // libpcap's "last" starts at the first statement, NOP or not, and only moves on when a
        // second real statement exists.
        var last = stmts[0];
        var i = NextReal(stmts, 0);
        while (i >= 0)
        {
            var next = NextReal(stmts, i + 1);
            if (next < 0)
            {
                break;
            }

            last = stmts[next];
            RewritePair(graph, b, stmts, i, next);
            i = NextReal(stmts, next);
        }

        RewriteBranch(graph, b, last);
    }

    private static void RewritePair(FlowGraph graph, BlockState b, ReadOnlySpan<Stmt> stmts, int i, int next)
    {
        var s = stmts[i];
        var n = stmts[next];

        // st M[k]; ldx M[k]  ->  st M[k]; tax
        if (s.Code == Opcodes.St && n.Code == (Opcodes.Ldx | Opcodes.Mem) && s.K == n.K)
        {
            graph.Changed();
            n.Code = Opcodes.Misc | Opcodes.Tax;
        }

        // Default mode: add #a; add #b  ->  add #(a + b) (modulo 2^32, as the additions are). The
        // head's vxlan offsets are built this way (add #22; add #8; add #12).
        if (graph.Head && s.Code == (Opcodes.Alu | Opcodes.Add | Opcodes.K) && n.Code == (Opcodes.Alu | Opcodes.Add | Opcodes.K))
        {
            n.K = unchecked(s.K + n.K);
            s.Code = Stmt.Nop;
            graph.Changed();
            return;
        }

        // ld #k; tax  ->  ldx #k; txa
        if (s.Code == (Opcodes.Ld | Opcodes.Imm) && n.Code == (Opcodes.Misc | Opcodes.Tax))
        {
            s.Code = Opcodes.Ldx | Opcodes.Imm;
            n.Code = Opcodes.Misc | Opcodes.Txa;
            graph.Changed();
        }

        if (s.Code == (Opcodes.Ld | Opcodes.Imm))
        {
            FoldIndexedOffset(graph, b, stmts, i, next);
        }
    }

    /// <summary>
    /// tcp[k] / udp[k] with constant k: <c>ld #k; [ldxms]; add x; tax; ld [x+0]</c> becomes
    /// <c>[ldxms]; ld [x+k]</c>, unless X is live on exit (it would now hold a different value).
    /// </summary>
    private static void FoldIndexedOffset(FlowGraph graph, BlockState b, ReadOnlySpan<Stmt> stmts, int i, int next)
    {
        if (Atoms.Contains(b.LiveOut, Atoms.X))
        {
            return;
        }

        var add = stmts[next].Code != (Opcodes.Ldx | Opcodes.Msh | Opcodes.B) ? next : NextReal(stmts, next + 1);
        if (add < 0 || stmts[add].Code != (Opcodes.Alu | Opcodes.Add | Opcodes.X))
        {
            return;
        }

        var tax = NextReal(stmts, add + 1);
        if (tax < 0 || stmts[tax].Code != (Opcodes.Misc | Opcodes.Tax))
        {
            return;
        }

        var ild = NextReal(stmts, tax + 1);
        if (ild < 0 || Opcodes.ClassOf(stmts[ild].Code) != Opcodes.Ld || Opcodes.ModeOf(stmts[ild].Code) != Opcodes.Ind)
        {
            return;
        }

        stmts[ild].K += stmts[i].K;
        stmts[i].Code = Stmt.Nop;
        stmts[add].Code = Stmt.Nop;
        stmts[tax].Code = Stmt.Nop;
        graph.Changed();
    }

    private static void RewriteBranch(FlowGraph graph, BlockState b, Stmt last)
    {
        var block = b.Block;
        var branch = block.Branch;
        ValueTable vt = graph.Values;

        // A comparison with a constant when A is dead on exit absorbs the preceding arithmetic.
        if (branch.Code == (Opcodes.Jmp | Opcodes.Jeq | Opcodes.K) && !Atoms.Contains(b.LiveOut, Atoms.A))
        {
            if (last.Code == (Opcodes.Alu | Opcodes.Sub | Opcodes.X))
            {
                var x = b.ExitValues[Atoms.X];
                if (vt.IsConst(x))
                {
                    // sub x; jeq #y  ->  jeq #(y + x)
                    branch.K += vt.ConstValue(x);
                    last.Code = Stmt.Nop;
                    graph.Changed();
                }
                else if (branch.K == 0)
                {
                    // sub x; jeq #0  ->  jeq x
                    last.Code = Stmt.Nop;
                    branch.Code = Opcodes.Jmp | Opcodes.Jeq | Opcodes.X;
                    graph.Changed();
                }
            }
            else if (last.Code == (Opcodes.Alu | Opcodes.Sub | Opcodes.K))
            {
                // sub #x; jeq #y  ->  jeq #(y + x)
                last.Code = Stmt.Nop;
                branch.K += last.K;
                graph.Changed();
            }
            else if (last.Code == (Opcodes.Alu | Opcodes.And | Opcodes.K) && branch.K == 0)
            {
                // and #k; jeq #0  ->  jset #k with the successors swapped
                branch.K = last.K;
                branch.Code = Opcodes.Jmp | Opcodes.Jset | Opcodes.K;
                last.Code = Stmt.Nop;
                graph.Changed();
                graph.MovedEdges();
                (block.True, block.False) = (block.False, block.True);
            }
        }

        // jset #0 never jumps (libpcap does not flag this as a change). libpcap 1.10 also made
        // jset #0xffffffff always jump, which is wrong for A == 0; the head tests A != 0 instead
        // (jeq #0 with the successors swapped, a change).
        if (branch.Code == (Opcodes.Jmp | Opcodes.Jset | Opcodes.K))
        {
            if (branch.K == 0)
            {
                graph.SilentChange |= block.True != block.False;
                graph.MovedEdges();
                block.True = block.False;
            }
            else if (branch.K == 0xffffffffu && graph.Head)
            {
                branch.Code = Opcodes.Jmp | Opcodes.Jeq | Opcodes.K;
                branch.K = 0;
                (block.True, block.False) = (block.False, block.True);
                graph.MovedEdges();
                graph.Changed();
            }
            else if (branch.K == 0xffffffffu)
            {
                graph.SilentChange |= block.True != block.False;
                graph.MovedEdges();
                block.False = block.True;
            }
        }

        var xval = b.ExitValues[Atoms.X];
        if (vt.IsConst(xval) && Opcodes.SrcOf(branch.Code) == Opcodes.X)
        {
            graph.SilentChange = true;
            branch.Code = (ushort)(branch.Code & ~Opcodes.X);
            branch.K = vt.ConstValue(xval);
        }

        FoldKnownComparison(graph, b, vt);
    }

    /// <summary>With A known, the comparison's outcome is known: both edges go the taken way.</summary>
    private static void FoldKnownComparison(FlowGraph graph, BlockState b, ValueTable vt)
    {
        var block = b.Block;
        var branch = block.Branch;
        var aval = b.ExitValues[Atoms.A];

        // libpcap aborts on a non-jump here; its code generator never gets a return block this far.
        if (!vt.IsConst(aval) || Opcodes.SrcOf(branch.Code) != Opcodes.K || Opcodes.ClassOf(branch.Code) != Opcodes.Jmp)
        {
            return;
        }

        var a = vt.ConstValue(aval);
        bool? taken = Opcodes.OpOf(branch.Code) switch
        {
            Opcodes.Jeq => a == branch.K,
            Opcodes.Jgt => a > branch.K,
            Opcodes.Jge => a >= branch.K,
            Opcodes.Jset => (a & branch.K) != 0,
            _ => null,
        };
        if (taken is null)
        {
            return;
        }

        if (block.False != block.True)
        {
            graph.Changed();
        }

        graph.MovedEdges();
        if (taken.Value)
        {
            block.False = block.True;
        }
        else
        {
            block.True = block.False;
        }
    }

    /// <summary>The index of the first non-NOP statement at or after <paramref name="from"/>, or -1.</summary>
    public static int NextReal(List<Stmt> stmts, int from) => NextReal(CollectionsMarshal.AsSpan(stmts), from);

    /// <summary>The index of the first non-NOP statement at or after <paramref name="from"/>, or -1.</summary>
    public static int NextReal(ReadOnlySpan<Stmt> stmts, int from)
    {
        for (var i = from; i < stmts.Length; i++)
        {
            if (stmts[i].Code != Stmt.Nop)
            {
                return i;
            }
        }

        return -1;
    }
}
