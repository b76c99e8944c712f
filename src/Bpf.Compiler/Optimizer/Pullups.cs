using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>or_pullup</c> and <c>and_pullup</c>: in a chain of tests sharing one outcome
/// (the true exits of an "or" chain, the false exits of an "and" chain) that starts at a block b
/// and is dominated by it, a later test of the same A value as b is pulled up in front of the
/// first test of a different value, so jump threading can then decide it.
/// </summary>
internal static class Pullups
{
    /// <summary>
    /// The "or" form, then the "and" form, from <paramref name="b"/>: the "or" chain follows false edges
    /// (every member shares b's true target), the "and" chain true edges. Without
    /// <paramref name="runs"/> (small graphs) the walks go block by block, as libpcap's.
    /// </summary>
    public static void Run(FlowGraph graph, ChainRuns? runs, BlockState b)
    {
        // Every predecessor must leave the same A value (ExitA: the flat copy of every block's A on
        // exit). Asked once for both forms: the "or" pullup moves no in-edge of b from its list and
        // changes no value.
        var firstId = graph.FirstIn[b.Block.Id];
        if (firstId < 0)
        {
            return;
        }

        var exitA = graph.ExitA;
        var next = graph.NextIn;
        var val = exitA[graph.FromId(firstId)];
        for (var e = next[firstId]; e >= 0; e = next[e])
        {
            if (exitA[graph.FromId(e)] != val)
            {
                return;
            }
        }

        var first = graph.Edges[firstId];
        if (runs is null && NeitherStarts(b.Block, first.From))
        {
            return;
        }

        Pull(graph, runs, b, first, val, shared: true);
        Pull(graph, runs, b, first, val, shared: false);
    }

    /// <summary>
    /// True when neither form's block-by-block walk can take a step past b, so both return unchanged:
    /// a walk that starts at b (<paramref name="pred"/>, b's first in-edge's block, still jumps to b)
    /// next asks for b's successor along the chain, which must exist and share b's target. Most blocks
    /// fail it (the two walks were ~1.5% of a compile's profile). A walk from a stale in-edge (its
    /// block moved on to another successor in this pass) starts elsewhere and is left to run.
    /// </summary>
    private static bool NeitherStarts(Block b, Block pred)
    {
        if (pred.True != b && pred.False != b)
        {
            return false;
        }

        var t = b.True;
        var f = b.False;
        return !(f is not null && f.True == t) && !(t is not null && t.False == f);
    }

    /// <summary>
    /// One form: <paramref name="shared"/> names the edge (true for "or") whose target all chain
    /// members share; the chain runs along the other edge. <paramref name="first"/> is b's first
    /// in-edge, and <paramref name="val"/> the A value all its predecessors leave.
    /// </summary>
    private static void Pull(FlowGraph graph, ChainRuns? runs, BlockState b, Edge first, uint val, bool shared)
    {
        var exitA = graph.ExitA;
        var sharedTarget = Get(b.Block, shared)!;
        var diff = new Slot(first.From, first.From.True == b.Block);
        var atTop = true;
        while (true)
        {
            if (!IsChainMember(graph, diff.Target, b, sharedTarget, shared))
            {
                return;
            }

            if (exitA[diff.Target!.Id] != val)
            {
                break;
            }

            // The whole run of blocks testing this A value (one step in libpcap): every member of it
            // has A == val, so the walk either passes all of it or stops (returns) inside it.
            if (!Step(runs, diff.Target!, shared, b.Block, out var last))
            {
                return;
            }

            diff = new Slot(last, !shared);
            atTop = false;
        }

        var same = new Slot(diff.Target!, !shared);
        while (true)
        {
            if (!IsChainMember(graph, same.Target, b, sharedTarget, shared))
            {
                return;
            }

            if (exitA[same.Target!.Id] == val)
            {
                break;
            }

            if (!Step(runs, same.Target!, shared, b.Block, out var last))
            {
                return;
            }

            same = new Slot(last, !shared);
        }

        var pull = same.Target!;
        graph.MovedEdges();
        runs?.Pulling(pull, same.Owner, atTop ? null : diff.Owner, b, shared);
        same.Target = Get(pull, !shared);
        Set(pull, !shared, diff.Target);
        if (atTop)
        {
            for (var e = graph.FirstIn[b.Block.Id]; e >= 0; e = graph.NextIn[e])
            {
                var from = graph.Blocks[graph.FromId(e)].Block;
                Set(from, from.True == b.Block, pull);
            }
        }
        else
        {
            diff.Target = pull;
        }

        graph.Done = false;
    }

    /// <summary>
    /// The walk's step from <paramref name="start"/> (a chain member, so dominated): its whole run
    /// when <paramref name="runs"/> are kept, else the block alone.
    /// </summary>
    private static bool Step(ChainRuns? runs, Block start, bool shared, Block dominator, out Block last)
    {
        if (runs is null)
        {
            last = start;
            return true;
        }

        return runs.AllDominatedBy(start, shared, dominator, out last);
    }

    private static bool IsChainMember(FlowGraph graph, Block? candidate, BlockState b, Block sharedTarget, bool shared) =>
        candidate is not null
        && Get(candidate, shared) == sharedTarget
        && graph.Dominates(b.Block, candidate);

    private static Block? Get(Block block, bool isTrue) => isTrue ? block.True : block.False;

    private static void Set(Block block, bool isTrue, Block? target)
    {
        if (isTrue)
        {
            block.True = target;
        }
        else
        {
            block.False = target;
        }
    }

    /// <summary>A successor field of a block (libpcap's <c>struct block **</c>).</summary>
    private readonly record struct Slot(Block Owner, bool IsTrue)
    {
        public Block? Target
        {
            get => Get(Owner, IsTrue);
            set => Set(Owner, IsTrue, value);
        }
    }
}
