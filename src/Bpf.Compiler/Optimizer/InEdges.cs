using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_inedges</c>: links every edge of the levelled blocks into its successor's
/// in-edge list. The level lists may be stale (jump threading moved edges since), exactly as in libpcap.
/// </summary>
internal static class InEdges
{
    /// <summary>Rebuilds <see cref="BlockState.InEdges"/> of all blocks.</summary>
    public static void Find(FlowGraph graph)
    {
        foreach (var b in graph.Blocks)
        {
            b.InEdges = null;
        }

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

    /// <summary>Puts <paramref name="edge"/> at the front of its successor's in-edge list.</summary>
    public static void Link(FlowGraph graph, Edge edge)
    {
        var child = graph[edge.To!];
        edge.NextIn = child.InEdges;
        child.InEdges = edge;
    }

    /// <summary>The edges entering <paramref name="b"/>, first to last.</summary>
    public static IEnumerable<Edge> Of(BlockState b)
    {
        for (Edge? e = b.InEdges; e is not null; e = e.NextIn)
        {
            yield return e;
        }
    }
}
