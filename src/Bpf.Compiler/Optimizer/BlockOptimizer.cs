using System.Runtime.InteropServices;

using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>bpf_optimize</c>: rewrites a finished block graph into an equivalent, smaller one.
/// The passes, in order: the fixpoint loop without statement rewriting (value numbering, peepholes,
/// dead stores, jump threading, pullups), the loop again with statement rewriting (constant folding,
/// redundant loads), merging of identical blocks, and the root cleanup. Unless asked for libpcap's
/// exact result, passes libpcap lacks then shrink the graph further without changing any packet's
/// result (<see cref="ImpliedTestFolding"/>).
/// </summary>
internal static class BlockOptimizer
{
    /// <summary>
    /// Optimizes the graph rooted at <paramref name="root"/> in place and returns the new root.
    /// A graph with in-block jumps (protochain) is returned unchanged: libpcap never optimizes those.
    /// Deleted statements are removed, and the remaining blocks renumbered 0..n-1 in depth-first order.
    /// </summary>
    /// <exception cref="FilterCompileException">
    /// The program divides or takes a modulus by a constant 0, or shifts by a known amount above 31
    /// (libpcap's optimizer errors; reported at offset 0).
    /// </exception>
    /// <param name="root">The entry block of a finished graph.</param>
    /// <param name="libpcapOnly">
    /// True for exactly libpcap 1.10.3's result (instruction-identical output); false to add the
    /// extra passes, which never make the program longer.
    /// </param>
    /// <param name="memoryBudget">The most bytes the flow graph may take (<see cref="CompilerOptions.MemoryBudget"/>).</param>
    /// <exception cref="FilterCompileException">The graph would pass <paramref name="memoryBudget"/> (kind TooComplex).</exception>
    public static Block Optimize(Block root, bool libpcapOnly = false, long memoryBudget = long.MaxValue)
    {
        // The thread's lists, tables and block states: one thread-static read per compile.
        var workspace = OptimizerWorkspace.Take();
        try
        {
            return Optimize(root, libpcapOnly, memoryBudget, workspace);
        }
        finally
        {
            workspace.Return();
        }
    }

    private static Block Optimize(Block root, bool libpcapOnly, long memoryBudget, OptimizerWorkspace workspace)
    {
        var blocks = workspace.Walk;
        GraphWalk.PreOrder(root, blocks);
        if (HasInBlockJumps(blocks))
        {
            return root;
        }

        FlowGraph.CheckMemory(blocks.Count, memoryBudget);
        var graph = FlowGraph.Build(root, blocks, workspace, head: !libpcapOnly);
        OptimizerLoop.Run(graph, doStmts: false);

        // The statement loop's first pass starts from the branch loop's last, which changed nothing: when
        // that pass found no statement to rewrite either, this one would compute the same values and
        // change nothing (the statement loop is skipped for ~40% of the corpus's filters).
        if (!graph.AnalysesCurrent || graph.RewritesPending)
        {
            OptimizerLoop.Run(graph, doStmts: true);
        }

        graph.Release();
        BlockInterning.Run(root, workspace);
        var newRoot = RootCleanup.Run(root);
        if (libpcapOnly)
        {
            GraphWalk.PreOrder(newRoot, blocks);
        }
        else if (ImpliedTestFolding.Run(newRoot, blocks))
        {
            // Absorbed tests can leave duplicate blocks. (The root cleanup is not repeated: dropping
            // a root's loads would change results on truncated packets.) Numbered afresh in
            // depth-first order first, as a new flow graph would number them.
            Number(blocks);
            BlockInterning.Run(newRoot, workspace);
            GraphWalk.PreOrder(newRoot, blocks);
        }

        // blocks now holds the blocks reachable from the new root in pre-order (after the folding
        // changed nothing, its last walk: one walk fewer per compile).
        Number(blocks);
        foreach (var b in CollectionsMarshal.AsSpan(blocks))
        {
            RemoveNops(b.Stmts);
        }

        return newRoot;
    }

    /// <summary>Removes the deleted statements, the others kept in order (RemoveAll without a delegate call per statement).</summary>
    private static void RemoveNops(List<Stmt> stmts)
    {
        var span = CollectionsMarshal.AsSpan(stmts);

        // The statements before the first NOP stay where they are (not rewritten: a write barrier each).
        var kept = 0;
        while (kept < span.Length && span[kept].Code != Stmt.Nop)
        {
            kept++;
        }

        for (var i = kept + 1; i < span.Length; i++)
        {
            if (span[i].Code != Stmt.Nop)
            {
                span[kept++] = span[i];
            }
        }

        if (kept < span.Length)
        {
            stmts.RemoveRange(kept, span.Length - kept);
        }
    }

    private static bool HasInBlockJumps(List<Block> blocks)
    {
        foreach (var b in blocks)
        {
            foreach (var s in CollectionsMarshal.AsSpan(b.Stmts))
            {
                if (s is JumpStmt { TrueTarget: not null } or JumpStmt { FalseTarget: not null })
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Numbers <paramref name="blocks"/> (the blocks reachable from the root in depth-first pre-order) 0..n-1.</summary>
    private static void Number(List<Block> blocks)
    {
        var span = CollectionsMarshal.AsSpan(blocks);
        for (var i = 0; i < span.Length; i++)
        {
            span[i].Id = i;
        }
    }
}
