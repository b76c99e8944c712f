using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The pullups' walks in bigger steps. libpcap walks a chain one block at a time, from every block
/// of it, so a chain of n tests of the same value costs n^2 steps per pass. A run is a stretch of a
/// chain whose blocks test the same A value and share the chain's target; every walk treats the
/// blocks of a run alike except for the dominance test, which for a whole run is one comparison
/// of pre/post-order bounds. Runs are remembered from block to the run's end (built on demand, each
/// extending the remembered run after it) until a pullup moves an edge: then all are forgotten.
/// </summary>
internal sealed class ChainRuns
{
    private readonly FlowGraph _graph;
    private readonly Direction _or;
    private readonly Direction _and;
    private readonly Stack<Block> _pending = new();
    private int _epoch = 1;

    /// <summary>Runs over <paramref name="graph"/> in its state as of now.</summary>
    public ChainRuns(FlowGraph graph)
    {
        _graph = graph;
        _or = new Direction(graph.Blocks.Length);
        _and = new Direction(graph.Blocks.Length);
    }

    /// <summary>Forgets every run: an edge is about to move.</summary>
    public void Changed() => _epoch++;

    /// <summary>
    /// For the run starting at <paramref name="start"/> along the chain whose members share the
    /// <paramref name="shared"/> edge's target: true when <paramref name="dominator"/> dominates every
    /// block of it (as <see cref="FlowGraph.Dominates"/>), with the run's <paramref name="last"/> block.
    /// </summary>
    public bool AllDominatedBy(Block start, bool shared, Block dominator, out Block last)
    {
        var d = shared ? _or : _and;
        Build(d, start, shared);
        var id = start.Id;
        last = d.Last[id]!;
        if (d.MinEnter[id] == int.MaxValue)
        {
            // No block of the run was reached at the iteration's start: libpcap's full sets.
            return true;
        }

        var tree = _graph.BlockDominators;
        return tree.Contains(dominator.Id)
            && tree.Enter(dominator.Id) <= d.MinEnter[id] && d.MaxExit[id] <= tree.Exit(dominator.Id);
    }

    /// <summary>Remembers the runs from <paramref name="start"/> to its run's end, unless already known.</summary>
    private void Build(Direction d, Block start, bool shared)
    {
        if (d.Epoch[start.Id] == _epoch)
        {
            return;
        }

        var tree = _graph.BlockDominators;
        var a = _graph.ExitA;
        var pending = _pending;
        var x = start;
        while (true)
        {
            pending.Push(x);
            var next = Successor(x, !shared);
            if (next is null || d.Epoch[next.Id] == _epoch || !SameRun(x, next, shared, a))
            {
                break;
            }

            x = next;
        }

        // Back from the end: each block's run is itself plus the rest of the run after it.
        while (pending.TryPop(out var b))
        {
            var next = Successor(b, !shared);
            int minEnter = int.MaxValue, maxExit = int.MinValue;
            var last = b;
            if (next is not null && SameRun(b, next, shared, a))
            {
                minEnter = d.MinEnter[next.Id];
                maxExit = d.MaxExit[next.Id];
                last = d.Last[next.Id]!;
            }

            if (tree.Contains(b.Id))
            {
                minEnter = Math.Min(minEnter, tree.Enter(b.Id));
                maxExit = Math.Max(maxExit, tree.Exit(b.Id));
            }

            d.MinEnter[b.Id] = minEnter;
            d.MaxExit[b.Id] = maxExit;
            d.Last[b.Id] = last;
            d.Epoch[b.Id] = _epoch;
        }
    }

    /// <summary>True when <paramref name="next"/> continues <paramref name="x"/>'s run: the same A value and the same shared target.</summary>
    private static bool SameRun(Block x, Block next, bool shared, uint[] a) =>
        a[next.Id] == a[x.Id] && Successor(next, shared) == Successor(x, shared);

    private static Block? Successor(Block b, bool isTrue) => isTrue ? b.True : b.False;

    /// <summary>The remembered runs along one kind of chain, by block id.</summary>
    private sealed class Direction(int blocks)
    {
        public int[] Epoch { get; } = new int[blocks];

        public Block?[] Last { get; } = new Block?[blocks];

        public int[] MinEnter { get; } = new int[blocks];

        public int[] MaxExit { get; } = new int[blocks];
    }
}
