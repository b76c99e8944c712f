using System.Runtime.InteropServices;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_deadstores</c>: a definition overwritten before any use in the same block, or
/// never used and dead on exit, becomes a NOP.
/// </summary>
internal static class DeadStores
{
    /// <summary>Removes the dead definitions of <paramref name="b"/>.</summary>
    public static void Run(FlowGraph graph, BlockState b)
    {
        // last[atom] (the defining statement's index) is meaningful for the atoms in pending only
        // (a bit per atom), so it needs no clearing.
        var last = graph.PendingDefinitions;
        var stmts = CollectionsMarshal.AsSpan(b.Block.Stmts);
        var pending = 0;
        for (var i = 0; i < stmts.Length; i++)
        {
            // A NOP uses and defines nothing (passes after the first see many).
            var s = stmts[i];
            if (s.Code != Stmt.Nop)
            {
                pending = Visit(graph, stmts, i, s, last, pending);
            }
        }

        pending = Visit(graph, stmts, -1, b.Block.Branch, last, pending);
        pending &= ~b.LiveOut;
        for (var atom = 0; pending != 0; atom++, pending >>= 1)
        {
            if ((pending & 1) != 0)
            {
                stmts[last[atom]].Code = Stmt.Nop;
                graph.Changed();
            }
        }
    }

    /// <summary>
    /// libpcap's <c>deadstmt</c> for <paramref name="s"/>, statement <paramref name="index"/> of
    /// <paramref name="stmts"/> (-1 for the branch, which defines nothing): a use clears the pending
    /// definition, a redefinition kills it.
    /// </summary>
    private static int Visit(FlowGraph graph, ReadOnlySpan<Stmt> stmts, int index, Stmt s, int[] last, int pending)
    {
        var atom = Atoms.Use(s);
        if (atom == Atoms.AX)
        {
            pending &= ~(Atoms.Mask(Atoms.X) | Atoms.Mask(Atoms.A));
        }
        else if (atom >= 0)
        {
            pending &= ~Atoms.Mask(atom);
        }

        atom = Atoms.Def(s);
        if (atom >= 0)
        {
            if (Atoms.Contains(pending, atom))
            {
                graph.Changed();
                stmts[last[atom]].Code = Stmt.Nop;
            }

            last[atom] = index;
            pending |= Atoms.Mask(atom);
        }

        return pending;
    }
}
