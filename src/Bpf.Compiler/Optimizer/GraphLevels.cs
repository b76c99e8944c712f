using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_levels</c>: the level of every reachable block (0 for returns, one more than the
/// deeper successor otherwise) and the per-level lists every later pass iterates in.
/// </summary>
internal static class GraphLevels
{
    /// <summary>Recomputes <see cref="FlowGraph.Levels"/> and <see cref="BlockState.Level"/>.</summary>
    public static void Find(FlowGraph graph)
    {
        foreach (List<BlockState> list in graph.Levels)
        {
            list.Clear();
        }

        var finished = GraphWalk.PostOrder(graph.Root);
        foreach (var block in finished)
        {
            var b = graph[block];
            b.Level = block.True is null ? 0 : Math.Max(graph[block.True].Level, graph[block.False!].Level) + 1;
        }

        // libpcap pushes each finished block on the front of its level's list.
        for (var i = finished.Count - 1; i >= 0; i--)
        {
            var b = graph[finished[i]];
            graph.Levels[b.Level].Add(b);
        }
    }
}
