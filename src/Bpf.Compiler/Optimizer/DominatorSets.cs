using System.Runtime.CompilerServices;

using Bpf.Compiler.Ir;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The dominators of a graph of at most <see cref="MaxBlocks"/> blocks as bit sets, libpcap's own
/// representation (<c>dom</c> and <c>edom</c>, one word per set here): computing them is a few ANDs per
/// block, where the trees' common-ancestor climbs cost more on the small graphs most filters make.
/// They answer what <see cref="DominatorTree"/> answers for <see cref="FlowGraph.BlockDominators"/> and
/// <see cref="FlowGraph.EdgeDominators"/>: the same sets, the same blocks and edges left out.
/// </summary>
/// <remarks>
/// A block's set has bit d for each dominating block d. An edge's set is two words: bit i of the first
/// for the true edge of block i (edge id i), of the second for its false edge (edge id n + i), so walking
/// the first word's bits and then the second's visits the dominating edges in id order. A set never
/// computed (a block or edge not levelled this pass, a return's) stays all ones, libpcap's initial set.
/// One per <see cref="OptimizerWorkspace"/>, used by one graph at a time.
/// </remarks>
internal sealed class DominatorSets
{
    /// <summary>The most blocks a graph may have for its dominators to fit a word.</summary>
    public const int MaxBlocks = 64;

    // By block id. The meets are the intersections of the sets of a block's predecessors (blocks) and
    // in-edges (edges, two words each) gathered so far.
    private readonly ulong[] _blocks = new ulong[MaxBlocks];
    private readonly ulong[] _edges = new ulong[4 * MaxBlocks];
    private readonly ulong[] _blockMeet = new ulong[MaxBlocks];
    private readonly ulong[] _edgeMeet = new ulong[2 * MaxBlocks];
    private int _n;

    /// <summary>
    /// Both kinds of sets of the levelled jump blocks of <paramref name="graph"/> (at most
    /// <see cref="MaxBlocks"/> blocks), and its in-edge lists, in one sweep over the levels: the
    /// visits of <see cref="Dominators.FindWithInEdges"/>.
    /// </summary>
    public void Find(FlowGraph graph)
    {
        var n = _n = graph.Blocks.Length;
        var blocks = _blocks.AsSpan(0, n);
        var edges = _edges.AsSpan(0, 4 * n);
        var blockMeet = _blockMeet.AsSpan(0, n);
        var edgeMeet = _edgeMeet.AsSpan(0, 2 * n);
        blocks.Fill(ulong.MaxValue);
        edges.Fill(ulong.MaxValue);
        blockMeet.Fill(ulong.MaxValue);
        edgeMeet.Fill(ulong.MaxValue);
        InEdges.Clear(graph);

        var root = graph.Root;
        for (var level = graph.MaxLevel; level > 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                var block = b.Block;
                var id = block.Id;
                var bit = 1UL << id;
                var t = block.True!;
                var f = block.False!;
                var isRoot = block == root;

                var dom = (isRoot ? 0 : blockMeet[id]) | bit;
                blocks[id] = dom;

                // Both edges of a block have the same dominators besides themselves: those of all edges into it.
                ulong parentTrue = isRoot ? 0 : edgeMeet[2 * id], parentFalse = isRoot ? 0 : edgeMeet[2 * id + 1];
                edges[2 * id] = parentTrue | bit;
                edges[2 * id + 1] = parentFalse;
                edges[2 * (n + id)] = parentTrue;
                edges[2 * (n + id) + 1] = parentFalse | bit;

                // Returns are left out, as in the trees.
                if (t.True is not null)
                {
                    blockMeet[t.Id] &= dom;
                    edgeMeet[2 * t.Id] &= parentTrue | bit;
                    edgeMeet[2 * t.Id + 1] &= parentFalse;
                }

                if (f.True is not null)
                {
                    blockMeet[f.Id] &= dom;
                    edgeMeet[2 * f.Id] &= parentTrue;
                    edgeMeet[2 * f.Id + 1] &= parentFalse | bit;
                }

                InEdges.Link(graph, b.True);
                InEdges.Link(graph, b.False);
            }
        }

        graph.InEdgesLinked();
    }

    /// <summary>As <see cref="FlowGraph.Dominates"/>: true when <paramref name="dominator"/> is in <paramref name="block"/>'s set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Dominates(Block dominator, Block block) => (_blocks[block.Id] & (1UL << dominator.Id)) != 0;

    /// <summary>The edges dominating edge <paramref name="edge"/> (itself included) whose ids are below the graph's block count.</summary>
    public ulong TrueEdgesOver(int edge) => _edges[2 * edge];

    /// <summary>The edges dominating edge <paramref name="edge"/> whose ids are the graph's block count and above (less that count).</summary>
    public ulong FalseEdgesOver(int edge) => _edges[2 * edge + 1];

    /// <summary>The number of blocks of the graph the sets were found for (the id of the first false edge).</summary>
    public int BlockCount => _n;
}
