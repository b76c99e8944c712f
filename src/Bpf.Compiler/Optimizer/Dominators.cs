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
        foreach (var b in graph.Blocks)
        {
            Array.Fill(b.DominatorSet, uint.MaxValue);
        }

        Array.Clear(graph[graph.Root].DominatorSet);
        foreach (var b in graph.TopDown())
        {
            BitSet.Insert(b.DominatorSet, b.Block.Id);
            if (b.Block.True is null)
            {
                continue;
            }

            BitSet.IntersectWith(graph[b.Block.True].DominatorSet, b.DominatorSet);
            BitSet.IntersectWith(graph[b.Block.False!].DominatorSet, b.DominatorSet);
        }
    }

    /// <summary>Edge dominators: an edge's set holds every edge on all paths from the root through it.</summary>
    public static void FindEdgeDominators(FlowGraph graph)
    {
        foreach (var e in graph.Edges)
        {
            Array.Fill(e.DominatorSet, uint.MaxValue);
        }

        var root = graph[graph.Root];
        Array.Clear(root.True.DominatorSet);
        Array.Clear(root.False.DominatorSet);
        foreach (var b in graph.TopDown())
        {
            Propagate(graph, b.True);
            Propagate(graph, b.False);
        }
    }

    private static void Propagate(FlowGraph graph, Edge edge)
    {
        BitSet.Insert(edge.DominatorSet, edge.Id);
        if (edge.To is { } succ)
        {
            BitSet.IntersectWith(graph[succ].True.DominatorSet, edge.DominatorSet);
            BitSet.IntersectWith(graph[succ].False.DominatorSet, edge.DominatorSet);
        }
    }
}
