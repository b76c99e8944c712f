using System.Runtime.InteropServices;

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
    /// <summary>The most blocks whose arrays a workspace keeps for the next compile.</summary>
    private const int PooledBlocks = 1 << 14;

    /// <summary>
    /// Redirects every edge between reachable blocks into a duplicate block to its representative,
    /// with the tables of <paramref name="workspace"/>.
    /// </summary>
    public static void Run(Block root, OptimizerWorkspace workspace)
    {
        var ws = workspace.Interning;
        var order = GraphWalk.PostOrder(root, ws.Order);
        var maxId = 0;
        foreach (var b in order)
        {
            maxId = Math.Max(maxId, b.Id);
        }

        ws.Prepare(maxId + 1, order.Count);

        // By block id (ids are distinct: the flow graph's numbering or a fresh one). Every entry read
        // is a successor's, written earlier in post-order.
        var classOf = ws.ClassOf;
        foreach (var b in order)
        {
            classOf[b.Id] = ws.Classify(b, b.True is null ? -1 : classOf[b.True.Id], b.False is null ? -1 : classOf[b.False.Id]);
        }

        var representative = ws.Representative;
        foreach (var b in order)
        {
            // Most successors are their class's representative already: written only when not (a
            // reference store costs a write barrier).
            if (b.True is { } t)
            {
                var f = b.False!;
                var rt = representative[classOf[t.Id]];
                var rf = representative[classOf[f.Id]];
                if (rt != t)
                {
                    b.True = rt;
                }

                if (rf != f)
                {
                    b.False = rf;
                }
            }
        }

        var blocks = order.Count;
        ws.Release(blocks);
        order.Clear();
        if (blocks > PooledBlocks)
        {
            // A huge graph's arrays are not kept.
            workspace.Interning = new Workspace();
        }
    }

    /// <summary>
    /// The classes of one sweep: an open-addressing table over (statements without NOPs, branch,
    /// successor classes), arrays indexed by class; reused by the next sweep in the same <see cref="OptimizerWorkspace"/>.
    /// </summary>
    internal sealed class Workspace
    {
        public List<Block> Order { get; } = [];

        public int[] ClassOf { get; private set; } = new int[64];

        public Block?[] Representative { get; private set; } = new Block?[64];

        private int[] _hash = new int[64];
        private int[] _trueClass = new int[64];
        private int[] _falseClass = new int[64];

        // Slot -> class + 1, 0 = empty; at most half full. Only the first _mask + 1 slots are in use:
        // the array keeps the size of the biggest graph seen, and clearing all of it for every small
        // one after a huge one cost more than the interning itself.
        private int[] _slots = new int[128];
        private int _mask = 127;
        private int _count;

        public void Prepare(int ids, int blocks)
        {
            if (ClassOf.Length < ids)
            {
                ClassOf = new int[Math.Max(ids, 2 * ClassOf.Length)];
            }

            if (Representative.Length < blocks)
            {
                var size = Math.Max(blocks, 2 * Representative.Length);
                Representative = new Block?[size];
                _hash = new int[size];
                _trueClass = new int[size];
                _falseClass = new int[size];
            }

            var slots = Math.Max(128, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * blocks)));
            if (slots > _slots.Length)
            {
                _slots = new int[slots];
            }
            else
            {
                Array.Clear(_slots, 0, slots);
            }

            _mask = slots - 1;

            _count = 0;
        }

        /// <summary>The class of <paramref name="b"/>, whose successors' classes are given; a new class when none is equal.</summary>
        public int Classify(Block b, int trueClass, int falseClass)
        {
            var hash = Hash(b, trueClass, falseClass);
            var mask = _mask;
            var i = hash & mask;
            while (true)
            {
                var c = _slots[i] - 1;
                if (c < 0)
                {
                    break;
                }

                var member = Representative[c]!;
                if (_hash[c] == hash && _trueClass[c] == trueClass && _falseClass[c] == falseClass
                    && member.Branch.Code == b.Branch.Code && member.Branch.K == b.Branch.K
                    && SameStatements(member.Stmts, b.Stmts))
                {
                    if (b.Id > member.Id)
                    {
                        Representative[c] = b;
                    }

                    return c;
                }

                i = (i + 1) & mask;
            }

            var added = _count++;
            _slots[i] = added + 1;
            _hash[added] = hash;
            _trueClass[added] = trueClass;
            _falseClass[added] = falseClass;
            Representative[added] = b;
            return added;
        }

        /// <summary>Drops the references to the graph's blocks.</summary>
        public void Release(int blocks) => Array.Clear(Representative, 0, Math.Min(blocks, Representative.Length));

        private static int Hash(Block b, int trueClass, int falseClass)
        {
            var h = ((uint)b.Branch.Code * 0x9E3779B1u) ^ b.Branch.K;
            h = (h * 0x85EBCA77u) ^ (uint)trueClass;
            h = (h * 0xC2B2AE3Du) ^ (uint)falseClass;
            foreach (var s in CollectionsMarshal.AsSpan(b.Stmts))
            {
                if (s.Code != Stmt.Nop)
                {
                    h = ((h * 0x9E3779B1u) ^ s.Code) * 0x85EBCA77u ^ s.K;
                }
            }

            h ^= h >> 15;
            h *= 0x2C1B3C6Du;
            return (int)(h ^ (h >> 12));
        }
    }

    /// <summary>libpcap's <c>eq_blk</c>.</summary>
    public static bool Equal(Block x, Block y) =>
        x.Branch.Code == y.Branch.Code && x.Branch.K == y.Branch.K
        && x.True == y.True && x.False == y.False
        && SameStatements(x.Stmts, y.Stmts);

    /// <summary>libpcap's <c>eq_slist</c>: the same opcodes and operands once NOPs are skipped.</summary>
    public static bool SameStatements(List<Stmt> x, List<Stmt> y) => SameStatements(CollectionsMarshal.AsSpan(x), CollectionsMarshal.AsSpan(y));

    private static bool SameStatements(ReadOnlySpan<Stmt> x, ReadOnlySpan<Stmt> y)
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
