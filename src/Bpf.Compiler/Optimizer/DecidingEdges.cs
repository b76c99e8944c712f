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

    private readonly FlowGraph _graph;
    private long _stepsLeft;

    /// <summary>Dominating edges by opcode, A value, operand value and sense: they decide the target's test outright.</summary>
    private KeyedAncestors<(int Code, uint A, uint Operand, bool Sense)>? _same;

    /// <summary>Taken "jeq #k" edges by A value: any other constant's equality then fails.</summary>
    private KeyedAncestors<uint>? _equalTaken;

    /// <summary>Answers for the edge dominators of <paramref name="graph"/> as of now.</summary>
    public DecidingEdges(FlowGraph graph)
    {
        _graph = graph;
        _stepsLeft = (long)StepsPerEdge * graph.Edges.Length;
    }

    /// <summary>
    /// The lowest id of an edge dominating <paramref name="edge"/> (itself included) whose test
    /// decides <paramref name="child"/>'s and sends <paramref name="edge"/>'s block somewhere without
    /// a use conflict, or -1.
    /// </summary>
    public int First(Edge edge, Block child)
    {
        if (_same is null)
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

    private void BuildIndex()
    {
        var graph = _graph;
        var tree = graph.EdgeDominators;
        var codes = graph.EdgeCodes;
        _same = new(tree, _ => true, k => (Math.Abs(codes[k]), graph.ExitA[From(k)], Operand(k), codes[k] >= 0));
        _equalTaken = new(tree, k => codes[k] == JeqK, k => graph.ExitA[From(k)]);
    }

    private int Lookup(Edge edge, Block child)
    {
        var graph = _graph;
        var code = child.Branch.Code;
        var a = graph.ExitA[child.Id];
        var operand = graph[child].BranchOperandValue;
        var trueOk = Allowed(edge.From, child, child.True);
        var falseOk = Allowed(edge.From, child, child.False);
        var best = int.MaxValue;

        // The same test with the same operand: the dominator's sense is the outcome.
        if (trueOk)
        {
            best = _same!.Lowest((code, a, operand, true), edge.Id);
        }

        if (falseOk)
        {
            best = Math.Min(best, _same!.Lowest((code, a, operand, false), edge.Id));
        }

        // A taken "jeq" with another constant decides a "jeq" false (with the same constant, true:
        // counted above when allowed).
        if (code == JeqK && falseOk)
        {
            if (trueOk)
            {
                best = Math.Min(best, _equalTaken!.Lowest(a, edge.Id));
            }
            else
            {
                for (var k = _equalTaken!.Nearest(a, edge.Id); k != DominatorTree.None; k = _equalTaken.Up(k))
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
    private int From(int k) => k < _graph.Blocks.Length ? k : k - _graph.Blocks.Length;

    private uint Operand(int k) => _graph.Blocks[From(k)].BranchOperandValue;
}
