using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// A dominator forest over nodes 0..n-1 (blocks or edges): each node's immediate dominator, from
/// which its whole dominator set is the path to its root. It replaces libpcap's per-node bit sets
/// over all nodes (quadratic in memory and in the time to intersect them) with linear arrays; the
/// sets it answers for are the same.
/// </summary>
internal sealed class DominatorTree
{
    /// <summary>The parent of a root: no dominator besides itself.</summary>
    public const int None = -1;

    /// <summary>The parent of a node not in the tree (not reached this time).</summary>
    public const int Absent = -2;

    /// <summary>Depth differences up to which <see cref="IsAncestorOrSelf"/> walks rather than numbering the tree.</summary>
    private const int ShortWalk = 32;

    /// <summary>The most nodes a per-thread tree (<see cref="For"/>) keeps arrays for.</summary>
    private const int PooledSize = 1 << 14;

    // Two trees per thread (block and edge dominators), reused by every compile on it (see For).
    [ThreadStatic]
    private static DominatorTree?[]? t_trees;

    // Arrays of at least _size entries; only the first _size are in use.
    private readonly int[] _parent;
    private readonly int[] _depth;
    private readonly int[] _jump;
    private readonly int[] _enter;
    private readonly int[] _exit;
    private int _size;
    private readonly List<int> _roots = [];
    private readonly Stack<(int Node, bool Leaving)> _stack = new();
    private int[]? _firstChild;
    private int[]? _nextSibling;
    private bool _numbered;

    /// <summary>An empty forest over <paramref name="size"/> nodes.</summary>
    public DominatorTree(int size)
    {
        _parent = new int[size];
        _depth = new int[size];
        _jump = new int[size];
        _enter = new int[size];
        _exit = new int[size];
        _size = size;
        Clear();
    }

    /// <summary>
    /// This thread's tree number <paramref name="slot"/> (0 or 1), emptied and resized to
    /// <paramref name="size"/> nodes: a compile's optimizer reuses the arrays of the previous one on
    /// the same thread instead of allocating two trees per compile. A compile owns its thread's trees
    /// until it finishes (compiles do not nest).
    /// </summary>
    public static DominatorTree For(int slot, int size)
    {
        if (size > PooledSize)
        {
            // A huge graph's arrays are not kept alive after its compile.
            return new DominatorTree(size);
        }

        var trees = t_trees ??= new DominatorTree?[2];
        var tree = trees[slot];
        if (tree is null || tree._parent.Length < size)
        {
            // Grown by half again so a sequence of slightly larger graphs does not reallocate each time.
            tree = new DominatorTree(Math.Min(PooledSize, Math.Max(size, tree is null ? 0 : tree._parent.Length + (tree._parent.Length >> 1))));
            trees[slot] = tree;
        }

        tree._size = size;
        tree.Clear();
        return tree;
    }

    /// <summary>Number of nodes.</summary>
    public int Size => _size;

    /// <summary>Removes every node.</summary>
    public void Clear()
    {
        Array.Fill(_parent, Absent, 0, _size);
        _numbered = false;
    }

    /// <summary>
    /// Adds <paramref name="node"/> below <paramref name="parent"/> (<see cref="None"/> for a root);
    /// a parent must be added before its children.
    /// </summary>
    public void Add(int node, int parent)
    {
        _parent[node] = parent;
        _numbered = false;
        if (parent == None)
        {
            _depth[node] = 0;
            _jump[node] = node;
            return;
        }

        // Skew-binary jump pointers (Myers 1983): each node's jump skips 1, 3, 7, ... levels, so
        // CommonAncestor climbs in O(log depth) steps. Walking parent by parent was quadratic on
        // long chains (a 4,000-host or-chain: 18% of the compile, 4% at 2,000 hosts).
        _depth[node] = _depth[parent] + 1;
        var up = _jump[parent];
        _jump[node] = _depth[parent] - _depth[up] == _depth[up] - _depth[_jump[up]] ? _jump[up] : parent;
    }

    /// <summary>True when <paramref name="node"/> was added.</summary>
    public bool Contains(int node) => _parent[node] != Absent;

    /// <summary>The immediate dominator of <paramref name="node"/>, or <see cref="None"/>.</summary>
    public int Parent(int node) => _parent[node];

    /// <summary>
    /// The deepest node dominating both (their dominator sets' intersection is the path from it
    /// up), or <see cref="None"/> when they are in different trees or either is <see cref="None"/>.
    /// </summary>
    public int CommonAncestor(int x, int y)
    {
        if (x == None || y == None)
        {
            return None;
        }

        x = Raise(x, _depth[y]);
        y = Raise(y, _depth[x]);

        // Same depth, so their jumps have the same length: take a jump when it does not meet.
        while (x != y)
        {
            if (_parent[x] == None)
            {
                // Two roots: different trees.
                return None;
            }

            if (_jump[x] != _jump[y])
            {
                x = _jump[x];
                y = _jump[y];
            }
            else
            {
                x = _parent[x];
                y = _parent[y];
            }
        }

        return x;
    }

    /// <summary>The ancestor-or-self of <paramref name="node"/> at <paramref name="depth"/> (itself when it is not deeper).</summary>
    private int Raise(int node, int depth)
    {
        while (_depth[node] > depth)
        {
            node = _depth[_jump[node]] >= depth ? _jump[node] : _parent[node];
        }

        return node;
    }

    /// <summary>True when <paramref name="ancestor"/> dominates <paramref name="node"/> (or is it); both in the tree.</summary>
    public bool IsAncestorOrSelf(int ancestor, int node)
    {
        var up = _depth[node] - _depth[ancestor];
        if (up < 0)
        {
            return false;
        }

        if (!_numbered && up <= ShortWalk)
        {
            // Close in depth (all pairs in small graphs): walking up is cheaper than numbering the tree.
            while (up-- > 0)
            {
                node = _parent[node];
            }

            return node == ancestor;
        }

        Number();
        return _enter[ancestor] <= _enter[node] && _exit[node] <= _exit[ancestor];
    }

    /// <summary>The depth-first entry time of <paramref name="node"/>: ancestors enter before descendants.</summary>
    public int Enter(int node)
    {
        Number();
        return _enter[node];
    }

    /// <summary>The depth-first exit time of <paramref name="node"/>: descendants exit before ancestors.</summary>
    public int Exit(int node)
    {
        Number();
        return _exit[node];
    }

    /// <summary>The nodes of the tree in depth-first entry order.</summary>
    public int[] EntryOrder()
    {
        Number();
        var order = new int[_size];
        var count = 0;
        for (var i = 0; i < _size; i++)
        {
            if (Contains(i))
            {
                order[_enter[i]] = i;
                count++;
            }
        }

        return order[..count];
    }

    /// <summary>Numbers a depth-first walk over the forest (children in linked lists).</summary>
    private void Number()
    {
        if (_numbered)
        {
            return;
        }

        var n = _size;
        if (_firstChild is null || _firstChild.Length < n)
        {
            _firstChild = new int[_parent.Length];
            _nextSibling = new int[_parent.Length];
        }

        var firstChild = _firstChild;
        var nextSibling = _nextSibling!;
        Array.Fill(firstChild, None, 0, n);
        var roots = _roots;
        roots.Clear();
        for (var i = n - 1; i >= 0; i--)
        {
            var p = _parent[i];
            if (p == Absent)
            {
                continue;
            }

            if (p == None)
            {
                roots.Add(i);
            }
            else
            {
                nextSibling[i] = firstChild[p];
                firstChild[p] = i;
            }
        }

        // Pre-order and post-order numbers: a is an ancestor of n exactly when it comes before n in
        // the first and after it in the second.
        int pre = 0, post = 0;
        var stack = _stack;
        for (var r = roots.Count - 1; r >= 0; r--)
        {
            stack.Push((roots[r], false));
            while (stack.Count > 0)
            {
                var (node, leaving) = stack.Pop();
                if (leaving)
                {
                    _exit[node] = post++;
                    continue;
                }

                _enter[node] = pre++;
                stack.Push((node, true));
                for (var c = firstChild[node]; c != None; c = nextSibling[c])
                {
                    stack.Push((c, false));
                }
            }
        }

        _numbered = true;
    }
}
