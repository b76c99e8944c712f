using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_levels</c>: the level of every reachable block (0 for returns, one more than the
/// deeper successor otherwise) and the per-level lists every later pass iterates in.
/// </summary>
internal static class GraphLevels
{
    /// <summary>
    /// Recomputes <see cref="FlowGraph.Level"/> and <see cref="BlockState.Level"/>; with
    /// <paramref name="useDef"/>, also what <see cref="UseDef.Find"/> computes, block by block as the
    /// walk finishes them (successors first, as its level order has them), saving its own sweeps.
    /// </summary>
    public static void Find(FlowGraph graph, bool useDef = false)
    {
        var finished = graph.WalkOrder;
        finished.Clear();
        if (!Shallow(graph, graph.Root, Block.NewWalk(), finished, 0, useDef))
        {
            // Deeper than the recursion goes: the explicit stack's post-order, then the same step per block.
            GraphWalk.PostOrder(graph.Root, finished);
            foreach (var block in finished)
            {
                Finish(graph, block, useDef);
            }
        }

        graph.SetLevels(finished);
        finished.Clear();
    }

    /// <summary>
    /// find_levels_r: levels in post-order (true successor first), the finished blocks appended to
    /// <paramref name="finished"/>; false (incomplete) when deeper than <see cref="Block.RecursiveWalkDepth"/>.
    /// </summary>
    private static bool Shallow(FlowGraph graph, Block block, long mark, List<Block> finished, int depth, bool useDef)
    {
        if (depth > Block.RecursiveWalkDepth)
        {
            return false;
        }

        block.WalkMark = mark;
        if (block.True is { } t)
        {
            var f = block.False!;
            if ((t.WalkMark != mark && !Shallow(graph, t, mark, finished, depth + 1, useDef))
                || (f.WalkMark != mark && !Shallow(graph, f, mark, finished, depth + 1, useDef)))
            {
                return false;
            }
        }

        Finish(graph, block, useDef);
        finished.Add(block);
        return true;
    }

    // A block whose successors are finished: its level (0 for a leaf), and its use-def sets when asked.
    private static void Finish(FlowGraph graph, Block block, bool useDef)
    {
        var b = graph[block];
        b.Level = block.True is null ? 0 : Math.Max(graph[block.True].Level, graph[block.False!].Level) + 1;
        if (useDef)
        {
            UseDef.Finish(graph, b);
        }
    }
}
