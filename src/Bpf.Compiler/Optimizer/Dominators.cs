using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>find_dom</c> and <c>find_edom</c> over the levelled graph (acyclic, so one
/// top-down sweep suffices), as dominator trees: a node's immediate dominator is the deepest common
/// dominator of its predecessors. libpcap's <c>find_closure</c> is left out: 1.10.3 computes it and never reads it.
/// </summary>
/// <remarks>
/// Return blocks are left out of both trees: no pass asks what dominates a return or its edges
/// (jump threading and pullups only start from and land on jumps), and the accept and reject blocks'
/// thousands of predecessors would make the common-ancestor walks quadratic.
/// </remarks>
internal static class Dominators
{
    /// <summary>
    /// Block dominators (<see cref="FlowGraph.BlockDominators"/>): a block's set holds every block on
    /// all paths from the root to it.
    /// </summary>
    public static void FindBlockDominators(FlowGraph graph)
    {
        graph.DominatorSets = null;
        var tree = graph.BlockDominators;
        tree.Clear();
        var meet = graph.Scratch;
        Array.Fill(meet, DominatorTree.Absent, 0, graph.Blocks.Length);
        var root = graph.Root;
        for (var level = graph.MaxLevel; level > 0; level--)
        {
            // Levels above 0 hold the jumps.
            foreach (var b in graph.Level(level))
            {
                var block = b.Block;
                tree.Add(block.Id, block == root ? DominatorTree.None : meet[block.Id]);
                Meet(tree, meet, block.True!, block.Id);
                Meet(tree, meet, block.False!, block.Id);
            }
        }
    }

    /// <summary>
    /// Edge dominators (<see cref="FlowGraph.EdgeDominators"/>): an edge's set holds every edge on all
    /// paths from the root through it.
    /// </summary>
    public static void FindEdgeDominators(FlowGraph graph)
    {
        graph.DominatorSets = null;
        var tree = graph.EdgeDominators;
        tree.Clear();
        var meet = graph.Scratch;
        Array.Fill(meet, DominatorTree.Absent, 0, graph.Blocks.Length);
        var root = graph.Root;
        for (var level = graph.MaxLevel; level > 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                var block = b.Block;

                // Both edges of a block have the same dominators besides themselves: those of all edges into it.
                var parent = block == root ? DominatorTree.None : meet[block.Id];
                tree.Add(b.True.Id, parent);
                tree.Add(b.False.Id, parent);
                Meet(tree, meet, block.True!, b.True.Id);
                Meet(tree, meet, block.False!, b.False.Id);
            }
        }
    }

    /// <summary>
    /// Both trees and the in-edge lists in one sweep over the levels (the same visits, in the same
    /// order, as <see cref="FindBlockDominators"/>, <see cref="FindEdgeDominators"/> and
    /// <see cref="InEdges.Find"/> one after the other, which each cost a walk over the graph a pass).
    /// </summary>
    public static void FindWithInEdges(FlowGraph graph)
    {
        if (graph.Blocks.Length <= DominatorSets.MaxBlocks)
        {
            // Most filters: bit sets, as libpcap keeps them.
            // The workspace's sets, fetched once per graph.
            var sets = graph.DominatorSets ?? graph.Workspace.DominatorSets;
            sets.Find(graph);
            graph.DominatorSets = sets;
            return;
        }

        graph.DominatorSets = null;
        var blockTree = graph.BlockDominators;
        var edgeTree = graph.EdgeDominators;
        blockTree.Clear();
        edgeTree.Clear();
        var n = graph.Blocks.Length;
        var blockMeet = graph.Scratch;
        var edgeMeet = graph.Scratch2;
        Array.Fill(blockMeet, DominatorTree.Absent, 0, n);
        Array.Fill(edgeMeet, DominatorTree.Absent, 0, n);
        InEdges.Clear(graph);

        var root = graph.Root;
        for (var level = graph.MaxLevel; level > 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                var block = b.Block;
                var t = block.True!;
                var f = block.False!;
                var isRoot = block == root;
                blockTree.Add(block.Id, isRoot ? DominatorTree.None : blockMeet[block.Id]);
                Meet(blockTree, blockMeet, t, block.Id);
                Meet(blockTree, blockMeet, f, block.Id);

                var parent = isRoot ? DominatorTree.None : edgeMeet[block.Id];
                edgeTree.Add(b.True.Id, parent);
                edgeTree.Add(b.False.Id, parent);
                Meet(edgeTree, edgeMeet, t, b.True.Id);
                Meet(edgeTree, edgeMeet, f, b.False.Id);

                InEdges.Link(graph, b.True);
                InEdges.Link(graph, b.False);
            }
        }

        graph.InEdgesLinked();
    }

    /// <summary>Intersects the dominators gathered for <paramref name="succ"/> with those of its predecessor <paramref name="node"/>.</summary>
    private static void Meet(DominatorTree tree, int[] meet, Ir.Block succ, int node)
    {
        if (succ.True is null)
        {
            return;
        }

        ref var m = ref meet[succ.Id];
        m = m == DominatorTree.Absent ? node : tree.CommonAncestor(m, node);
    }
}
