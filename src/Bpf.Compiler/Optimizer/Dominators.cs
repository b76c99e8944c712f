using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_dom</c> and <c>find_edom</c> over the levelled graph (acyclic, so one
/// top-down sweep suffices). libpcap's <c>find_closure</c> is left out: 1.10.3 computes it and never reads it.
/// </summary>
internal static class Dominators
{
    /// <summary>Block dominators: a block's set holds every block on all paths from the root to it.</summary>
    public static void FindBlockDominators(FlowGraph graph)
    {
        foreach (BlockState b in graph.Blocks)
        {
            Array.Fill(b.Dom, uint.MaxValue);
        }

        Array.Clear(graph[graph.Root].Dom);
        foreach (BlockState b in graph.TopDown())
        {
            BitSet.Insert(b.Dom, b.Block.Id);
            if (b.Block.True is null)
            {
                continue;
            }

            BitSet.IntersectWith(graph[b.Block.True].Dom, b.Dom);
            BitSet.IntersectWith(graph[b.Block.False!].Dom, b.Dom);
        }
    }

    /// <summary>Edge dominators: an edge's set holds every edge on all paths from the root through it.</summary>
    public static void FindEdgeDominators(FlowGraph graph)
    {
        foreach (Edge e in graph.Edges)
        {
            Array.Fill(e.Edom, uint.MaxValue);
        }

        BlockState root = graph[graph.Root];
        Array.Clear(root.True.Edom);
        Array.Clear(root.False.Edom);
        foreach (BlockState b in graph.TopDown())
        {
            Propagate(graph, b.True);
            Propagate(graph, b.False);
        }
    }

    private static void Propagate(FlowGraph graph, Edge edge)
    {
        BitSet.Insert(edge.Edom, edge.Id);
        if (edge.Succ is { } succ)
        {
            BitSet.IntersectWith(graph[succ].True.Edom, edge.Edom);
            BitSet.IntersectWith(graph[succ].False.Edom, edge.Edom);
        }
    }
}
