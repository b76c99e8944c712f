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
        var last = graph.PendingDefinitions;
        Array.Clear(last);
        foreach (var s in b.Block.Stmts)
        {
            Visit(graph, s, last);
        }

        Visit(graph, b.Block.Branch, last);
        for (var atom = 0; atom < Atoms.Count; atom++)
        {
            if (last[atom] is { } s && !Atoms.Contains(b.LiveOut, atom))
            {
                s.Code = Stmt.Nop;
                graph.Changed();
            }
        }
    }

    /// <summary>libpcap's <c>deadstmt</c>: a use clears the pending definition, a redefinition kills it.</summary>
    private static void Visit(FlowGraph graph, Stmt s, Stmt?[] last)
    {
        var atom = Atoms.Use(s);
        if (atom == Atoms.AX)
        {
            last[Atoms.X] = null;
            last[Atoms.A] = null;
        }
        else if (atom >= 0)
        {
            last[atom] = null;
        }

        atom = Atoms.Def(s);
        if (atom >= 0)
        {
            if (last[atom] is { } dead)
            {
                graph.Changed();
                dead.Code = Stmt.Nop;
            }

            last[atom] = s;
        }
    }
}
