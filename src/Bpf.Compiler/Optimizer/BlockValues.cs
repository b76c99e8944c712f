using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_blk</c>: the atom values on entry (those all predecessors agree on), value
/// numbering of the statements, then either dropping every statement of a block that changes
/// nothing anyone uses (or returns), or the peephole and dead-store passes; finally the branch
/// operand value and edge codes that jump threading compares.
/// </summary>
internal static class BlockValues
{
    /// <summary>Optimizes one block; statements are rewritten only when <paramref name="doStmts"/>.</summary>
    public static void Run(FlowGraph graph, BlockState b, bool doStmts)
    {
        InheritValues(graph, b);
        uint aval = b.Val[Atoms.A];
        uint xval = b.Val[Atoms.X];
        foreach (Stmt s in b.Block.Stmts)
        {
            StatementValues.Evaluate(graph, s, b.Val, doStmts);
        }

        bool changesNothingUsed = b.OutUse == 0
            && aval != ValueTable.Unknown && b.Val[Atoms.A] == aval
            && xval != ValueTable.Unknown && b.Val[Atoms.X] == xval;
        if (doStmts && (changesNothingUsed || b.Block.IsReturn))
        {
            if (b.Block.Stmts.Count != 0)
            {
                b.Block.Stmts.Clear();
                graph.Changed();
            }
        }
        else
        {
            Peephole.Run(graph, b);
            DeadStores.Run(graph, b);
        }

        Stmt branch = b.Block.Branch;
        b.Oval = Opcodes.SrcOf(branch.Code) == Opcodes.K ? graph.Values.Constant(branch.K) : b.Val[Atoms.X];
        graph.ExitA[b.Block.Id] = b.Val[Atoms.A];
        graph.EdgeCodes[b.True.Id] = branch.Code;
        graph.EdgeCodes[b.False.Id] = -branch.Code;
    }

    private static void InheritValues(FlowGraph graph, BlockState b)
    {
        Edge? first = b.InEdges;
        if (first is null)
        {
            Array.Clear(b.Val);
            return;
        }

        Array.Copy(graph[first.Pred].Val, b.Val, Atoms.Count);
        for (Edge? p = first.NextIn; p is not null; p = p.NextIn)
        {
            uint[] other = graph[p.Pred].Val;
            for (int i = 0; i < Atoms.Count; i++)
            {
                if (b.Val[i] != other[i])
                {
                    b.Val[i] = ValueTable.Unknown;
                }
            }
        }
    }
}
