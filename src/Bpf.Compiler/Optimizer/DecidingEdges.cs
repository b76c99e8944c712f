using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// Jump threading's question, answered from the edge dominator tree: which is the lowest-numbered
/// dominator of an edge whose test decides the test of the edge's target (the same opcode on the
/// same A value: <see cref="JumpThreading.FoldEdge"/>) and leads to a successor with no use
/// conflict. libpcap scans the edge's whole dominator bit set for it, for every edge and after every
/// move (quadratic on long chains). Here short paths are walked (most filters' graphs), and once a
/// pass has walked a few steps per edge the dominators are grouped by what they decide, so each
/// question costs a few lookups. Made after the value numbering of a pass (the opcodes, A values
/// and operand values it groups by do not change while edges move).
/// </summary>
internal sealed class DecidingEdges
{
    private const int JeqK = Opcodes.Jmp | Opcodes.Jeq | Opcodes.K;

    /// <summary><see cref="Walk"/>'s answer when it ran out of steps.</summary>
    private const int Unfinished = -2;

    /// <summary>
    /// Path steps allowed per edge of the graph before the index is built: small graphs (most
    /// filters) never need it, and walking their short dominator paths allocates nothing.
    /// </summary>
    private const int StepsPerEdge = 4;

    /// <summary>
    /// Path steps allowed whatever the graph's size: graphs of up to ~100 blocks (a tenth of the corpus
    /// has 20-100) walk their short paths and never build the index, which cost more than the walks.
    /// (More steps per edge instead made long chains walk 4x longer before building it, every pass.)
    /// </summary>
    private const int MinSteps = 1024;

    private readonly FlowGraph _graph;
    private long _stepsLeft;

    /// <summary>
    /// Each graph's index, kept across its passes so that rebuilding it reuses the arrays (on a
    /// 2,000-term chain ~4 MB of large-object-heap arrays a pass, which cost gen2 collections).
    /// </summary>
    private static readonly ConditionalWeakTable<FlowGraph, Index> Indexes = [];

    /// <summary>This pass's index, once built.</summary>
    private Index? _index;

    /// <summary>Answers for the edge dominators of <paramref name="graph"/> as of now.</summary>
    public DecidingEdges(FlowGraph graph)
    {
        _graph = graph;
        _stepsLeft = Math.Max(MinSteps, (long)StepsPerEdge * graph.Edges.Length);
    }

    /// <summary>
    /// The lowest id of an edge dominating <paramref name="edge"/> (itself included) whose test
    /// decides <paramref name="child"/>'s and sends <paramref name="edge"/>'s block somewhere without
    /// a use conflict, or -1.
    /// </summary>
    public int First(Edge edge, Block child)
    {
        if (_graph.DominatorSets is { } sets)
        {
            return Scan(sets, edge, child);
        }

        if (_index is null)
        {
            var found = Walk(edge, child);
            if (found != Unfinished)
            {
                return found;
            }

            BuildIndex();
        }

        return Lookup(edge, child);
    }

    /// <summary>libpcap's scan, over the dominator path; <see cref="Unfinished"/> once the step allowance is spent.</summary>
    private int Walk(Edge edge, Block child)
    {
        var graph = _graph;
        var tree = graph.EdgeDominators;
        var codes = graph.EdgeCodes;
        var code = child.Branch.Code;
        var a = graph.ExitA[child.Id];
        var best = int.MaxValue;
        for (var k = edge.Id; k != DominatorTree.None; k = tree.Parent(k))
        {
            if (--_stepsLeft < 0)
            {
                return Unfinished;
            }

            if (k >= best || Math.Abs(codes[k]) != code || graph.ExitA[From(k)] != a)
            {
                continue;
            }

            var target = JumpThreading.FoldEdge(graph, child, graph.Edges[k]);
            if (Allowed(edge.From, child, target))
            {
                best = k;
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// libpcap's scan itself, over a small graph's bit sets: the dominating edges in id order, the first
    /// that decides <paramref name="child"/>'s test (the lowest, as <see cref="Walk"/> finds it).
    /// </summary>
    private int Scan(DominatorSets sets, Edge edge, Block child)
    {
        var found = Scan(sets.TrueEdgesOver(edge.Id), 0, edge, child);
        return found >= 0 ? found : Scan(sets.FalseEdgesOver(edge.Id), sets.BlockCount, edge, child);
    }

    /// <summary><see cref="Scan(DominatorSets, Edge, Block)"/> over the edges <paramref name="first"/> + i for the bits i of <paramref name="set"/>.</summary>
    private int Scan(ulong set, int first, Edge edge, Block child)
    {
        var graph = _graph;
        var codes = graph.EdgeCodes;
        var exitA = graph.ExitA;
        var code = child.Branch.Code;
        var a = exitA[child.Id];
        for (; set != 0; set &= set - 1)
        {
            var from = BitOperations.TrailingZeroCount(set);
            var k = first + from;
            if (Math.Abs(codes[k]) != code || exitA[from] != a)
            {
                continue;
            }

            var target = JumpThreading.FoldEdge(graph, child, graph.Edges[k]);
            if (Allowed(edge.From, child, target))
            {
                return k;
            }
        }

        return -1;
    }

    private void BuildIndex()
    {
        var index = Indexes.GetValue(_graph, _ => new Index());
        index.Build(_graph);
        _index = index;
    }

    private int Lookup(Edge edge, Block child)
    {
        var graph = _graph;
        var index = _index!;
        var code = child.Branch.Code;
        var a = graph.ExitA[child.Id];
        var operand = graph[child].BranchOperandValue;
        var trueOk = Allowed(edge.From, child, child.True);
        var falseOk = Allowed(edge.From, child, child.False);
        var best = int.MaxValue;

        // The same test with the same operand: the dominator's sense is the outcome.
        if (trueOk || falseOk)
        {
            var key = index.KeyOf(graph, child, a, operand);
            if (key >= 0)
            {
                if (trueOk)
                {
                    best = index.Same.Lowest(2 * key, edge.Id);
                }

                if (falseOk)
                {
                    best = Math.Min(best, index.Same.Lowest(2 * key + 1, edge.Id));
                }
            }
        }

        // A taken "jeq" with another constant decides a "jeq" false (with the same constant, true:
        // counted above when allowed).
        if (code == JeqK && falseOk && index.EqualKeys.TryGetValue(a, out var equal))
        {
            if (trueOk)
            {
                best = Math.Min(best, index.EqualTaken.Lowest(equal, edge.Id));
            }
            else
            {
                for (var k = index.EqualTaken.Nearest(equal, edge.Id); k != DominatorTree.None; k = index.EqualTaken.Up(k))
                {
                    if (Operand(k) != operand)
                    {
                        best = Math.Min(best, k);
                    }
                }
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>
    /// True when <paramref name="from"/> may jump to <paramref name="target"/> past <paramref name="child"/>.
    /// A missing successor (the false side of a "ja") is never one: libpcap would fail on it, so no
    /// dominator leads there.
    /// </summary>
    private bool Allowed(Block from, Block child, Block? target) =>
        target is not null && !JumpThreading.UseConflict(_graph, from, target) && !JumpThreading.SkipConflict(_graph, from, child, target);

    /// <summary>The block edge <paramref name="k"/> leaves (true edges are numbered 0..n-1, false edges n..2n-1).</summary>
    private int From(int k) => From(_graph, k);

    private static int From(FlowGraph graph, int k) => k < graph.Blocks.Length ? k : k - graph.Blocks.Length;

    private uint Operand(int k) => _graph.Blocks[From(k)].BranchOperandValue;

    /// <summary>
    /// The dominating edges of one pass grouped by what they decide, with the key numbers that name
    /// the groups; rebuilt in place every pass.
    /// </summary>
    private sealed class Index
    {
        private readonly Dictionary<UInt128, int> _keys = [];
        private int[] _keyOfBlock = [];
        private int[] _sameGroup = [];
        private int[] _equalGroup = [];

        /// <summary>
        /// Dominating edges grouped by opcode, A value, operand value and sense (group 2g for the true
        /// sense and 2g+1 for the false one of key g): they decide the target's test outright.
        /// </summary>
        public KeyedAncestors Same { get; } = new();

        /// <summary>Taken "jeq #k" edges grouped by A value: any other constant's equality then fails.</summary>
        public KeyedAncestors EqualTaken { get; } = new();

        /// <summary>Group numbers of <see cref="EqualTaken"/> by A value.</summary>
        public Dictionary<uint, int> EqualKeys { get; } = [];

        public void Build(FlowGraph graph)
        {
            var tree = graph.EdgeDominators;
            var codes = graph.EdgeCodes;
            var keys = _keys;
            var equalKeys = EqualKeys;
            keys.Clear();
            equalKeys.Clear();
            var keyOfBlock = _keyOfBlock = KeyedAncestors.Fit(_keyOfBlock, graph.Blocks.Length);
            Array.Fill(keyOfBlock, -1);
            var same = _sameGroup = KeyedAncestors.Fit(_sameGroup, tree.Size);
            var equal = _equalGroup = KeyedAncestors.Fit(_equalGroup, tree.Size);
            for (var k = 0; k < tree.Size; k++)
            {
                same[k] = equal[k] = -1;
                if (!tree.Contains(k))
                {
                    continue;
                }

                var from = From(graph, k);
                var a = graph.ExitA[from];
                if (keyOfBlock[from] < 0)
                {
                    ref var key = ref CollectionsMarshal.GetValueRefOrAddDefault(
                        keys, Key(Math.Abs(codes[k]), a, graph.Blocks[from].BranchOperandValue), out var exists);
                    if (!exists)
                    {
                        key = keys.Count - 1;
                    }

                    keyOfBlock[from] = key;
                }

                same[k] = 2 * keyOfBlock[from] + (codes[k] >= 0 ? 0 : 1);
                if (codes[k] == JeqK)
                {
                    ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(equalKeys, a, out var exists);
                    if (!exists)
                    {
                        group = equalKeys.Count - 1;
                    }

                    equal[k] = group;
                }
            }

            Same.Build(tree, same, 2 * keys.Count);
            EqualTaken.Build(tree, equal, equalKeys.Count);
        }

        /// <summary>The key number of <paramref name="child"/>'s test, or -1 when no dominator has it.</summary>
        public int KeyOf(FlowGraph graph, Block child, uint a, uint operand)
        {
            // The child's own edges carry its key when they are in the tree and its code is the one
            // they were numbered with.
            var id = child.Id;
            if (_keyOfBlock[id] >= 0 && graph.EdgeCodes[id] == child.Branch.Code)
            {
                return _keyOfBlock[id];
            }

            return _keys.TryGetValue(Key(child.Branch.Code, a, operand), out var key) ? key : -1;
        }

        private static UInt128 Key(int code, uint a, uint operand) => new((ulong)(uint)code << 32 | a, operand);
    }
}
