using Bpf.Compiler.Ir;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>intern_blocks</c>: reachable blocks with the same statements (ignoring NOPs),
/// branch and successors are merged into the one with the highest id, repeated until stable.
/// </summary>
internal static class BlockInterning
{
    /// <summary>Redirects every edge into a duplicate block to its representative.</summary>
    public static void Run(FlowGraph graph)
    {
        int n = graph.Blocks.Length;
        bool changed;
        do
        {
            changed = false;
            var link = new Block?[n];
            var live = new HashSet<Block>(GraphWalk.PreOrder(graph.Root), ReferenceEqualityComparer.Instance);
            for (int i = n - 2; i >= 0; i--)
            {
                Block bi = graph.Blocks[i].Block;
                if (!live.Contains(bi))
                {
                    continue;
                }

                for (int j = i + 1; j < n; j++)
                {
                    Block bj = graph.Blocks[j].Block;
                    if (live.Contains(bj) && Equal(bi, bj))
                    {
                        link[i] = link[j] ?? bj;
                        break;
                    }
                }
            }

            foreach (BlockState state in graph.Blocks)
            {
                Block p = state.Block;
                if (p.True is null)
                {
                    continue;
                }

                if (link[p.True.Id] is { } t)
                {
                    changed = true;
                    p.True = t;
                }

                if (link[p.False!.Id] is { } f)
                {
                    changed = true;
                    p.False = f;
                }
            }
        }
        while (changed);
    }

    /// <summary>libpcap's <c>eq_blk</c>.</summary>
    public static bool Equal(Block x, Block y) =>
        x.Branch.Code == y.Branch.Code && x.Branch.K == y.Branch.K
        && x.True == y.True && x.False == y.False
        && SameStatements(x.Stmts, y.Stmts);

    /// <summary>libpcap's <c>eq_slist</c>: the same opcodes and operands once NOPs are skipped.</summary>
    public static bool SameStatements(List<Stmt> x, List<Stmt> y)
    {
        int i = Peephole.NextReal(x, 0), j = Peephole.NextReal(y, 0);
        while (i >= 0 && j >= 0)
        {
            if (x[i].Code != y[j].Code || x[i].K != y[j].K)
            {
                return false;
            }

            i = Peephole.NextReal(x, i + 1);
            j = Peephole.NextReal(y, j + 1);
        }

        return i < 0 && j < 0;
    }
}
