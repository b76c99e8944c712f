using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_inedges</c>: links every edge of the levelled blocks into its successor's
/// in-edge list. The level lists may be stale (jump threading moved edges since), exactly as in libpcap.
/// </summary>
internal static class InEdges
{
    /// <summary>Rebuilds the in-edge lists of all blocks (<see cref="FlowGraph.FirstIn"/>).</summary>
    public static void Find(FlowGraph graph)
    {
        Clear(graph);

        for (var level = graph.MaxLevel; level > 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                Link(graph, b.True);
                Link(graph, b.False);
            }
        }

        graph.InEdgesLinked();
    }

    /// <summary>Empties every block's in-edge list.</summary>
    public static void Clear(FlowGraph graph) => Array.Fill(graph.FirstIn, -1, 0, graph.Blocks.Length);

    /// <summary>Puts <paramref name="edge"/> at the front of its successor's in-edge list.</summary>
    public static void Link(FlowGraph graph, Edge edge)
    {
        var child = edge.To!.Id;
        graph.NextIn[edge.Id] = graph.FirstIn[child];
        graph.FirstIn[child] = edge.Id;
    }

    /// <summary>The edges entering <paramref name="b"/>, first to last.</summary>
    public static IEnumerable<Edge> Of(FlowGraph graph, BlockState b)
    {
        for (var e = graph.FirstIn[b.Block.Id]; e >= 0; e = graph.NextIn[e])
        {
            yield return graph.Edges[e];
        }
    }
}
