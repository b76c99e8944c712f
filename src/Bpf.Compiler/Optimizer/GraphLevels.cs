using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_levels</c>: the level of every reachable block (0 for returns, one more than the
/// deeper successor otherwise) and the per-level lists every later pass iterates in.
/// </summary>
internal static class GraphLevels
{
    /// <summary>Recomputes <see cref="FlowGraph.Level"/> and <see cref="BlockState.Level"/>.</summary>
    public static void Find(FlowGraph graph)
    {
        var finished = GraphWalk.PostOrder(graph.Root, graph.WalkOrder);
        foreach (var block in finished)
        {
            var b = graph[block];
            b.Level = block.True is null ? 0 : Math.Max(graph[block.True].Level, graph[block.False!].Level) + 1;
        }

        graph.SetLevels(finished);
        finished.Clear();
    }
}
