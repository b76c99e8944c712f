using System.Numerics;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_j</c> with <c>fold_edge</c> and <c>use_conflict</c>: an edge whose target
/// repeats a test already decided on every path to it (by an edge dominator with the same opcode,
/// A value and operand value) is moved straight to the outcome, as is an edge into a block whose
/// two successors coincide, provided no live register would see a different value.
/// </summary>
internal static class JumpThreading
{
    /// <summary>Moves <paramref name="edge"/> as far down as its dominating tests allow.</summary>
    public static void Run(FlowGraph graph, DecidingEdges deciding, Edge edge)
    {
        var succ = edge.To!;
        if (succ.True is null)
        {
            return;
        }

        if (succ.True == succ.False && !UseConflict(graph, edge.From, succ.True) && !SkipConflict(graph, edge.From, succ, succ.True))
        {
            graph.Changed();
            graph.MovedEdges();
            edge.To = succ.True;
        }

        // libpcap restarts the scan over the edge dominators after every move that lands on a jump.
        while (MoveOnce(graph, deciding, edge))
        {
        }
    }

    /// <summary>
    /// libpcap's scan of the edge's dominators in edge order: the first whose test decides the
    /// target's without a use conflict moves the edge. True when it moved onto another jump.
    /// </summary>
    private static bool MoveOnce(FlowGraph graph, DecidingEdges deciding, Edge edge)
    {
        var child = edge.To!;
        var k = deciding.First(edge, child);
        if (k < 0)
        {
            return false;
        }

        var target = FoldEdge(graph, child, graph.Edges[k])!;

        // Branch movement only: libpcap's cycle detection does not count it as progress.
        graph.Done = false;
        graph.MovedEdges();
        edge.To = target;
        return target.True is not null;
    }

    /// <summary>
    /// True when a register live on exit from <paramref name="succ"/> has a different value there
    /// than on exit from <paramref name="b"/>.
    /// </summary>
    public static bool UseConflict(FlowGraph graph, Block b, Block succ)
    {
        var s = graph[succ];
        return Differ(s.LiveOut, graph[b].ExitValues, s.ExitValues);
    }

    /// <summary>
    /// The head's correction of <see cref="UseConflict"/>, which looks only at registers live on exit
    /// from the new target: moving an edge from <paramref name="b"/> past <paramref name="skipped"/>
    /// onto <paramref name="target"/> also changes what the target itself reads before writing. In the
    /// default mode the move is refused when a register live on entry to the target has a different
    /// value on exit from <paramref name="b"/> than on exit from the skipped block (libpcap, head and
    /// 1.10 alike, moves the edge: `vxlan and ip6` skipped the `st M[1]` that the inner header's
    /// `ldx M[1]` reads, and its optimized program rejects every VXLAN packet with inner IPv6 that
    /// its unoptimized program accepts). The 1.10 mode keeps libpcap 1.10.3's instructions.
    /// </summary>
    public static bool SkipConflict(FlowGraph graph, Block b, Block skipped, Block target)
    {
        if (!graph.Head)
        {
            return false;
        }

        var live = graph[target].LiveIn;
        if (live == 0)
        {
            return false;
        }

        return Differ(live, graph[b].ExitValues, graph[skipped].ExitValues);
    }

    /// <summary>
    /// True when an atom of <paramref name="atoms"/> has different values in <paramref name="x"/> and
    /// <paramref name="y"/>. Visits the set's members only: jump threading asks this for both outcomes
    /// of every edge of every pass, and a set rarely holds more than A and X.
    /// </summary>
    private static bool Differ(int atoms, uint[] x, uint[] y)
    {
        for (var rest = (uint)atoms & ((1u << Atoms.Count) - 1); rest != 0; rest &= rest - 1)
        {
            var atom = BitOperations.TrailingZeroCount(rest);
            if (x[atom] != y[atom])
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The successor of <paramref name="child"/> that must be taken given that <paramref name="dominator"/>
    /// was, or null when its test is not implied.
    /// </summary>
    public static Block? FoldEdge(FlowGraph graph, Block child, Edge dominator)
    {
        var edgeCode = graph.EdgeCodes[dominator.Id];
        var sense = edgeCode >= 0;
        var code = Math.Abs(edgeCode);
        if (child.Branch.Code != code)
        {
            return null;
        }

        if (graph.ExitA[child.Id] != graph.ExitA[dominator.From.Id])
        {
            return null;
        }

        if (graph[child].BranchOperandValue == graph[dominator.From].BranchOperandValue)
        {
            return sense ? child.True : child.False;
        }

        // Having taken "jeq #k" we know A == k, so a "jeq" against a different constant (distinct
        // constants have distinct value numbers) fails.
        if (sense && code == (Opcodes.Jmp | Opcodes.Jeq | Opcodes.K))
        {
            return child.False;
        }

        return null;
    }
}
