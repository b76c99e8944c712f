using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_loop</c> and <c>opt_blks</c>: analyses, then value numbering of every block,
/// then (before statements are touched) jump threading and pullups, repeated to a fixpoint.
/// </summary>
internal static class OptimizerLoop
{
    /// <summary>
    /// libpcap's heuristic for cycles: after this many passes in a row that only moved branches,
    /// the loop stops.
    /// </summary>
    public const int MaxBranchOnlyPasses = 100;

    /// <summary>Graphs of at most this many blocks pull up block by block (<see cref="ChainRuns"/> only for bigger ones).</summary>
    private const int SmallGraph = 64;

    /// <summary>Iterates until a pass changes nothing (or only shuffles branches for too long).</summary>
    public static void Run(FlowGraph graph, bool doStmts)
    {
        var branchOnlyPasses = 0;

        // After a pass that changed nothing (the end of the first loop, usually), the levels, use-def
        // sets and in-edges it computed still hold: the next loop's first pass starts from them.
        var current = graph.AnalysesCurrent;
        while (true)
        {
            graph.Done = true;
            graph.NonBranchMovementPerformed = false;
            graph.SilentChange = false;
            graph.RewritesPending = false;
            if (!current)
            {
                // Levels (and dominators, and in-edges) depend on the successors alone: after a
                // pass that moved no edge they are what they were.
                if (!graph.LevelsCurrent)
                {
                    GraphLevels.Find(graph, useDef: true);
                }
                else
                {
                    UseDef.Find(graph);
                }
            }

            // Only jump threading and pullups ask about dominators, and they do not run once
            // statements are rewritten (libpcap computes them anyway).
            var inEdgesCurrent = current;
            if (!doStmts && !graph.DominatorsCurrent)
            {
                // The in-edges are linked in the same sweep (nothing moves an edge in between).
                Dominators.FindWithInEdges(graph);
                graph.DominatorsCurrent = true;
                inEdgesCurrent = true;
            }

            OptimizeBlocks(graph, doStmts, inEdgesCurrent);
            current = false;
            if (graph.Done)
            {
                graph.AnalysesCurrent = !graph.SilentChange;
                return;
            }

            if (graph.NonBranchMovementPerformed)
            {
                branchOnlyPasses = 0;
            }
            else if (++branchOnlyPasses >= MaxBranchOnlyPasses)
            {
                graph.Done = true;
                graph.AnalysesCurrent = false;
                return;
            }
        }
    }

    /// <summary>One pass over the levelled graph (libpcap's <c>opt_blks</c>).</summary>
    public static void OptimizeBlocks(FlowGraph graph, bool doStmts, bool inEdgesCurrent = false)
    {
        graph.Values.Reset();
        if (!inEdgesCurrent && !graph.InEdgesCurrent)
        {
            InEdges.Find(graph);
        }

        var maxLevel = graph.MaxLevel;
        for (var level = maxLevel; level >= 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                BlockValues.Run(graph, b, doStmts);
            }
        }

        // Once statements are being rewritten, moving branches cannot help any more.
        if (doStmts)
        {
            return;
        }

        var deciding = new DecidingEdges(graph);
        for (var level = 1; level <= maxLevel; level++)
        {
            foreach (var b in graph.Level(level))
            {
                JumpThreading.Run(graph, deciding, b.True);
                JumpThreading.Run(graph, deciding, b.False);
            }
        }

        if (!graph.InEdgesCurrent)
        {
            InEdges.Find(graph);
        }

        // Runs pay off on long chains; a small graph's walks are short (and numbering the dominator
        // tree for them cost more than the walks).
        var runs = graph.Blocks.Length <= SmallGraph ? null : new ChainRuns(graph);
        for (var level = 1; level <= maxLevel; level++)
        {
            foreach (var b in graph.Level(level))
            {
                Pullups.Run(graph, runs, b);
            }
        }
    }
}
