using Bpf.Compiler.Ir;

using Bpf.Vm;

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
        bool changed;
        do
        {
            changed = false;
            Block?[] link = FindRepresentatives(graph);
            foreach (var state in graph.Blocks)
            {
                var p = state.Block;
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

    /// <summary>
    /// For each live block i, the representative of the first live block j &gt; i equal to it (libpcap's
    /// quadratic scan, found through a hash of the compared fields: scanning i downwards, the table
    /// holds the lowest live id of each key seen so far).
    /// </summary>
    private static Block?[] FindRepresentatives(FlowGraph graph)
    {
        var n = graph.Blocks.Length;
        var link = new Block?[n];
        var live = new bool[n];
        foreach (var b in GraphWalk.PreOrder(graph.Root))
        {
            live[b.Id] = true;
        }

        var lowest = new Dictionary<Key, int>();
        for (var i = n - 1; i >= 0; i--)
        {
            if (!live[i])
            {
                continue;
            }

            var bi = graph.Blocks[i].Block;
            var key = new Key(bi);
            if (i < n - 1 && lowest.TryGetValue(key, out var j))
            {
                link[i] = link[j] ?? graph.Blocks[j].Block;
            }

            lowest[key] = i;
        }

        return link;
    }

    /// <summary>The fields <see cref="Equal"/> compares, hashable.</summary>
    private readonly struct Key(Block b) : IEquatable<Key>
    {
        private readonly Block _block = b;
        private readonly int _hash = HashCode.Combine(b.Branch.Code, b.Branch.K, b.True, b.False, StatementsHash(b.Stmts));

        public bool Equals(Key other) => _hash == other._hash && Equal(_block, other._block);

        public override bool Equals(object? obj) => obj is Key other && Equals(other);

        public override int GetHashCode() => _hash;

        private static int StatementsHash(List<Stmt> stmts)
        {
            var hash = new HashCode();
            foreach (var s in stmts)
            {
                if (s.Code != Stmt.Nop)
                {
                    hash.Add(s.Code);
                    hash.Add(s.K);
                }
            }

            return hash.ToHashCode();
        }
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
