using System.Runtime.CompilerServices;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The pullups' walks in bigger steps. libpcap walks a chain one block at a time, from every block
/// of it, so a chain of n tests of the same value costs n^2 steps per pass. A run is a stretch of a
/// chain whose blocks test the same A value and share the chain's target; a walk treats the blocks
/// of a run alike except for the dominance test, which for a whole run is one comparison of the
/// pre/post-order bounds of its blocks in the dominator tree (when that fails, the blocks are tested
/// one by one, as libpcap does).
/// </summary>
/// <remarks>
/// Runs are built on demand and shared by their blocks. A pullup that moves edges forgets the runs
/// of the blocks whose edges moved, except that the run the pulled block joins is extended in place;
/// a run whose last block has since gained a same-run successor grows from its last block when next
/// asked for, merging into the live run it meets (a forwarding link, union-find style).
/// </remarks>
internal sealed class ChainRuns
{
    /// <summary>
    /// Each graph's run arrays, kept across its passes (on a 2,000-term chain two 46,000-entry
    /// arrays a pass, on the large-object heap).
    /// </summary>
    private static readonly ConditionalWeakTable<FlowGraph, Run?[][]> Arrays = [];

    private readonly FlowGraph _graph;
    private readonly Stack<Block> _pending = new();
    private Run?[]? _orRuns;
    private Run?[]? _andRuns;

    /// <summary>Runs over <paramref name="graph"/>, built as the pullups ask.</summary>
    public ChainRuns(FlowGraph graph) => _graph = graph;

    /// <summary>By block id, the run along "or" chains (members share the true target); made on first use.</summary>
    private Run?[] Or => _orRuns ??= Empty(0);

    /// <summary>By block id, the run along "and" chains (members share the false target).</summary>
    private Run?[] And => _andRuns ??= Empty(1);

    /// <summary>The graph's run array <paramref name="which"/>, emptied (the previous pass's runs are stale).</summary>
    private Run?[] Empty(int which)
    {
        var n = _graph.Blocks.Length;
        var arrays = Arrays.GetValue(_graph, _ => new Run?[2][]);
        var runs = arrays[which] ??= new Run?[n];
        Array.Clear(runs);
        return runs;
    }

    /// <summary>
    /// For the run from <paramref name="start"/> along the chain whose members share the
    /// <paramref name="shared"/> edge's target: true when <paramref name="dominator"/> dominates every
    /// block of it (as <see cref="FlowGraph.Dominates"/>), with the run's <paramref name="last"/> block.
    /// </summary>
    public bool AllDominatedBy(Block start, bool shared, Block dominator, out Block last)
    {
        var run = Get(start, shared);
        last = run.Last;
        if (Covers(run, dominator))
        {
            return true;
        }

        // The bounds span every block ever put in the run, some perhaps before start: test each from start.
        for (var x = start; ; x = Successor(x, !shared)!)
        {
            if (!_graph.Dominates(dominator, x))
            {
                return false;
            }

            if (x == last)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Records a pullup about to move <paramref name="pull"/> (now after <paramref name="sameOwner"/>)
    /// to after <paramref name="diffOwner"/>, the last block of the run it joins (null when it goes to
    /// the top, in front of <paramref name="top"/>).
    /// </summary>
    public void Pulling(Block pull, Block sameOwner, Block? diffOwner, BlockState top, bool shared)
    {
        var chain = shared ? Or : And;
        var other = shared ? And : Or;

        // The pulled block's old run continued through its old successor; the block before it keeps its
        // run (if the blocks after the gap continue it, the run's end check catches that).
        Kill(chain, pull);
        Kill(other, pull);
        Kill(other, sameOwner);
        if (diffOwner is null)
        {
            var graph = _graph;
            for (var e = graph.FirstIn[top.Block.Id]; e >= 0; e = graph.NextIn[e])
            {
                var from = graph.Blocks[graph.FromId(e)].Block;
                Kill(chain, from);
                Kill(other, from);
            }

            return;
        }

        Kill(other, diffOwner);
        if (chain[diffOwner.Id] is { } mapped && Resolve(mapped) is { Alive: true } run && run.Last == diffOwner)
        {
            // Same A value and shared target, followed by the block that ended the run before.
            run.Last = pull;
            Add(run, pull);
            chain[pull.Id] = run;
        }
        else
        {
            Kill(chain, diffOwner);
        }
    }

    private static void Kill(Run?[] runs, Block b)
    {
        if (runs[b.Id] is { } run)
        {
            Resolve(run).Alive = false;
        }
    }

    /// <summary>The run a block's entry stands for: runs merged into a later one forward to it.</summary>
    private static Run Resolve(Run run)
    {
        var root = run;
        while (root.MergedInto is { } next)
        {
            root = next;
        }

        // Path compression: later lookups through these runs take one step.
        while (run.MergedInto is { } next && next != root)
        {
            run.MergedInto = root;
            run = next;
        }

        return root;
    }

    private Run Get(Block start, bool shared)
    {
        var runs = shared ? Or : And;
        if (runs[start.Id] is { } mapped)
        {
            var known = Resolve(mapped);
            runs[start.Id] = known;
            if (known.Alive)
            {
                return Extend(known, runs, shared);
            }
        }

        var pending = _pending;
        pending.Clear();
        var x = start;
        Run? rest = null;
        while (true)
        {
            pending.Push(x);
            var next = Successor(x, !shared);
            if (next is null || !SameRun(x, next, shared))
            {
                break;
            }

            if (runs[next.Id] is { } after && Resolve(after) is { Alive: true } alive)
            {
                rest = Extend(alive, runs, shared);
                break;
            }

            x = next;
        }

        var run = rest ?? new Run(x);
        foreach (var b in pending)
        {
            runs[b.Id] = run;
            Add(run, b);
        }

        return run;
    }

    /// <summary>
    /// <paramref name="run"/> (alive) made current: while its last block's successor continues it
    /// (a pullup put a block of the same value after it), the run grows from its last block, and on
    /// meeting another live run it is merged into that one. Rebuilding it from the start block
    /// instead walked the whole run again for each such pullup: quadratic in the last passes of a
    /// long chain (2.9 M steps in one pass of a 2,000-term port-or chain, 46,000 blocks).
    /// </summary>
    private Run Extend(Run run, Run?[] runs, bool shared)
    {
        while (true)
        {
            var last = run.Last;
            var next = Successor(last, !shared);
            if (next is null || !SameRun(last, next, shared))
            {
                return run;
            }

            if (runs[next.Id] is { } mapped && Resolve(mapped) is { Alive: true } after && after != run)
            {
                // Every block of run reaches next, so its run now ends where after's does; the bounds
                // cover both.
                run.MergedInto = after;
                after.MinEnter = Math.Min(after.MinEnter, run.MinEnter);
                after.MaxExit = Math.Max(after.MaxExit, run.MaxExit);
                run = after;
                continue;
            }

            runs[next.Id] = run;
            Add(run, next);
            run.Last = next;
        }
    }

    private void Add(Run run, Block b)
    {
        var tree = _graph.BlockDominators;
        if (tree.Contains(b.Id))
        {
            run.MinEnter = Math.Min(run.MinEnter, tree.Enter(b.Id));
            run.MaxExit = Math.Max(run.MaxExit, tree.Exit(b.Id));
        }
    }

    /// <summary>True when every block in <paramref name="run"/> was dominated by <paramref name="dominator"/> at the iteration's start.</summary>
    private bool Covers(Run run, Block dominator)
    {
        if (run.MinEnter == int.MaxValue)
        {
            // No block of the run was reached at the iteration's start: libpcap's full sets.
            return true;
        }

        var tree = _graph.BlockDominators;
        return tree.Contains(dominator.Id)
            && tree.Enter(dominator.Id) <= run.MinEnter && run.MaxExit <= tree.Exit(dominator.Id);
    }

    /// <summary>True when <paramref name="next"/> continues <paramref name="x"/>'s run: the same A value and the same shared target.</summary>
    private bool SameRun(Block x, Block next, bool shared) =>
        _graph.ExitA[next.Id] == _graph.ExitA[x.Id] && Successor(next, shared) == Successor(x, shared);

    private static Block? Successor(Block b, bool isTrue) => isTrue ? b.True : b.False;

    /// <summary>A run: its last block and the dominator-tree bounds of all blocks ever put in it.</summary>
    private sealed class Run(Block last)
    {
        public Block Last { get; set; } = last;

        public int MinEnter { get; set; } = int.MaxValue;

        public int MaxExit { get; set; } = int.MinValue;

        public bool Alive { get; set; } = true;

        /// <summary>The run this one was merged into (it continues it), or null.</summary>
        public Run? MergedInto { get; set; }
    }
}
