using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>intern_blocks</c>: reachable blocks with the same statements (ignoring NOPs),
/// branch and successors are merged into the one with the highest id.
/// </summary>
/// <remarks>
/// libpcap repeats a quadratic scan until nothing changes, and each round can only merge blocks whose
/// successors the previous round merged: a chain of n duplicated blocks takes n rounds. Its fixpoint
/// is structural equality on the DAG (two blocks are merged exactly when their contents are equal and
/// their successors are, recursively), each class represented by its highest-id block (a block is only
/// ever left unreachable by being merged into a higher equal one, and merging never disconnects a
/// successor, whose pointer the merged blocks share). One post-order sweep computes the same classes
/// (successors are classified before their predecessors), then every reachable edge is pointed at its
/// class's representative: the same graph in linear time.
/// </remarks>
internal static class BlockInterning
{
    /// <summary>Redirects every edge between reachable blocks into a duplicate block to its representative.</summary>
    public static void Run(Block root)
    {
        var order = GraphWalk.PostOrder(root);
        var maxId = 0;
        foreach (var b in order)
        {
            maxId = Math.Max(maxId, b.Id);
        }

        // By block id (ids are distinct: the flow graph's numbering or a fresh one).
        var classOf = new int[maxId + 1];
        var classes = new Dictionary<Key, int>(order.Count);
        var representative = new List<Block>();
        foreach (var b in order)
        {
            var key = new Key(b, b.True is null ? -1 : classOf[b.True.Id], b.False is null ? -1 : classOf[b.False.Id]);
            if (classes.TryGetValue(key, out var c))
            {
                if (b.Id > representative[c].Id)
                {
                    representative[c] = b;
                }
            }
            else
            {
                c = representative.Count;
                classes.Add(key, c);
                representative.Add(b);
            }

            classOf[b.Id] = c;
        }

        foreach (var b in order)
        {
            if (b.True is not null)
            {
                b.True = representative[classOf[b.True.Id]];
                b.False = representative[classOf[b.False!.Id]];
            }
        }
    }

    /// <summary>
    /// What <see cref="Equal"/> compares, with the successors' classes in place of the successors
    /// (equal successors once merged), hashable.
    /// </summary>
    private readonly struct Key(Block b, int trueClass, int falseClass) : IEquatable<Key>
    {
        private readonly Block _block = b;
        private readonly int _trueClass = trueClass;
        private readonly int _falseClass = falseClass;
        private readonly int _hash = HashCode.Combine(b.Branch.Code, b.Branch.K, trueClass, falseClass, StatementsHash(b.Stmts));

        public bool Equals(Key other) =>
            _hash == other._hash && _trueClass == other._trueClass && _falseClass == other._falseClass
            && _block.Branch.Code == other._block.Branch.Code && _block.Branch.K == other._block.Branch.K
            && SameStatements(_block.Stmts, other._block.Stmts);

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
