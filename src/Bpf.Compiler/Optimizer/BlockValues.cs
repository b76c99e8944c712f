using System.Runtime.InteropServices;

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
        var aval = b.ExitValues[Atoms.A];
        var xval = b.ExitValues[Atoms.X];
        foreach (var s in CollectionsMarshal.AsSpan(b.Block.Stmts))
        {
            StatementValues.Evaluate(graph, s, b.ExitValues, doStmts);
        }

        var changesNothingUsed = b.LiveOut == 0
            && aval != ValueTable.Unknown && b.ExitValues[Atoms.A] == aval
            && xval != ValueTable.Unknown && b.ExitValues[Atoms.X] == xval;
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

        var branch = b.Block.Branch;
        b.BranchOperandValue = Opcodes.SrcOf(branch.Code) == Opcodes.K ? graph.Values.Constant(branch.K) : b.ExitValues[Atoms.X];
        graph.ExitA[b.Block.Id] = b.ExitValues[Atoms.A];
        graph.EdgeCodes[b.True.Id] = branch.Code;
        graph.EdgeCodes[b.False.Id] = -branch.Code;
    }

    private static void InheritValues(FlowGraph graph, BlockState b)
    {
        var values = b.ExitValues.AsSpan(0, Atoms.Count);
        var first = b.InEdges;
        if (first is null)
        {
            values.Clear();
            return;
        }

        graph[first.From].ExitValues.AsSpan(0, Atoms.Count).CopyTo(values);
        for (Edge? p = first.NextIn; p is not null; p = p.NextIn)
        {
            var other = graph[p.From].ExitValues.AsSpan(0, Atoms.Count);
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] != other[i])
                {
                    values[i] = ValueTable.Unknown;
                }
            }
        }
    }
}
