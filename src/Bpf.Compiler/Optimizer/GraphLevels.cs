using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_levels</c>: the level of every reachable block (0 for returns, one more than the
/// deeper successor otherwise) and the per-level lists every later pass iterates in.
/// </summary>
internal static class GraphLevels
{
    /// <summary>Depth up to which the walk recurses (see <see cref="GraphWalk"/>); deeper graphs take the explicit stack.</summary>
    private const int ShallowDepth = 200;

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
            GraphWalk.PostOrder(graph.Root, finished);
            foreach (var block in finished)
            {
                var b = graph[block];
                b.Level = block.True is null ? 0 : Math.Max(graph[block.True].Level, graph[block.False!].Level) + 1;
                if (useDef)
                {
                    UseDef.Finish(graph, b);
                }
            }
        }

        graph.SetLevels(finished);
        finished.Clear();
    }

    /// <summary>
    /// find_levels_r: levels in post-order (true successor first), the finished blocks appended to
    /// <paramref name="finished"/>; false (incomplete) when deeper than <see cref="ShallowDepth"/>.
    /// </summary>
    private static bool Shallow(FlowGraph graph, Block block, long mark, List<Block> finished, int depth, bool useDef)
    {
        if (depth > ShallowDepth)
        {
            return false;
        }

        block.WalkMark = mark;
        var level = 0;
        if (block.True is { } t)
        {
            var f = block.False!;
            if ((t.WalkMark != mark && !Shallow(graph, t, mark, finished, depth + 1, useDef))
                || (f.WalkMark != mark && !Shallow(graph, f, mark, finished, depth + 1, useDef)))
            {
                return false;
            }

            level = Math.Max(graph[t].Level, graph[f].Level) + 1;
        }

        var b = graph[block];
        b.Level = level;
        if (useDef)
        {
            UseDef.Finish(graph, b);
        }

        finished.Add(block);
        return true;
    }
}
