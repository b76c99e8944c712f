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
        // last[atom] is meaningful for the atoms in pending only (a bit per atom), so it needs no clearing.
        var last = graph.PendingDefinitions;
        var pending = 0;
        foreach (var s in b.Block.Stmts)
        {
            pending = Visit(graph, s, last, pending);
        }

        pending = Visit(graph, b.Block.Branch, last, pending);
        pending &= ~b.LiveOut;
        for (var atom = 0; pending != 0; atom++, pending >>= 1)
        {
            if ((pending & 1) != 0)
            {
                last[atom]!.Code = Stmt.Nop;
                graph.Changed();
            }
        }
    }

    /// <summary>libpcap's <c>deadstmt</c>: a use clears the pending definition, a redefinition kills it.</summary>
    private static int Visit(FlowGraph graph, Stmt s, Stmt?[] last, int pending)
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
                last[atom]!.Code = Stmt.Nop;
            }

            last[atom] = s;
            pending |= Atoms.Mask(atom);
        }

        return pending;
    }
}
