using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The nodes of a <see cref="DominatorTree"/> grouped by a key, answering "the nearest ancestor of
/// this node (or itself) with that key" and "the lowest node number among all of them" without
/// walking the whole path to the root.
/// </summary>
/// <typeparam name="TKey">The grouping key.</typeparam>
internal sealed class KeyedAncestors<TKey>
    where TKey : notnull
{
    private readonly DominatorTree _tree;
    private readonly Dictionary<TKey, List<int>> _members = [];
    private readonly int[] _up;
    private readonly int[] _lowest;

    /// <summary>Groups the nodes of <paramref name="tree"/> that <paramref name="include"/> accepts by <paramref name="keyOf"/>.</summary>
    public KeyedAncestors(DominatorTree tree, Func<int, bool> include, Func<int, TKey> keyOf)
    {
        _tree = tree;
        _up = new int[tree.Size];
        _lowest = new int[tree.Size];

        // In entry order, every ancestor is grouped before its descendants: each member list stays
        // sorted by entry time.
        foreach (var node in tree.EntryOrder())
        {
            if (!include(node))
            {
                continue;
            }

            var key = keyOf(node);
            if (!_members.TryGetValue(key, out var list))
            {
                list = [];
                _members.Add(key, list);
            }

            var up = Nearest(list, tree.Parent(node));
            _up[node] = up;
            _lowest[node] = up == DominatorTree.None ? node : Math.Min(node, _lowest[up]);
            list.Add(node);
        }
    }

    /// <summary>The nearest ancestor of <paramref name="node"/> (or itself) with <paramref name="key"/>, or <see cref="DominatorTree.None"/>.</summary>
    public int Nearest(TKey key, int node) =>
        _members.TryGetValue(key, out var list) ? Nearest(list, node) : DominatorTree.None;

    /// <summary>The next ancestor of the grouped <paramref name="node"/> with its key, or <see cref="DominatorTree.None"/>.</summary>
    public int Up(int node) => _up[node];

    /// <summary>
    /// The lowest node number among <paramref name="node"/>'s ancestors (and itself) with
    /// <paramref name="key"/>, or <see cref="int.MaxValue"/> when there is none.
    /// </summary>
    public int Lowest(TKey key, int node)
    {
        var nearest = Nearest(key, node);
        return nearest == DominatorTree.None ? int.MaxValue : _lowest[nearest];
    }

    private int Nearest(List<int> sorted, int node)
    {
        if (node == DominatorTree.None || sorted.Count == 0)
        {
            return DominatorTree.None;
        }

        // The last member entered no later than node: node's nearest such ancestor if it is one at all,
        // otherwise a descendant of that ancestor (entered between it and node), whose chain leads to it.
        var enter = _tree.Enter(node);
        int lo = 0, hi = sorted.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_tree.Enter(sorted[mid]) <= enter)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var a = found < 0 ? DominatorTree.None : sorted[found];
        while (a != DominatorTree.None && !_tree.IsAncestorOrSelf(a, node))
        {
            a = _up[a];
        }

        return a;
    }
}
