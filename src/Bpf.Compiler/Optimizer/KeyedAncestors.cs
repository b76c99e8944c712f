namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The nodes of a <see cref="DominatorTree"/> grouped by a key, answering "the nearest ancestor of
/// this node (or itself) with that key" and "the lowest node number among all of them" without
/// walking the whole path to the root.
/// </summary>
/// <remarks>
/// Keys are group numbers 0..groups-1 chosen by the caller (numbered once per pass), and every
/// group's members sit in one flat array sorted by entry time: on a 2,000-term port chain this index
/// is rebuilt for ~92,000 edges in each of 15 passes, and dictionaries of tuple keys to lists made
/// it the largest term of jump threading (15% of a compile, profile of 2026-12-02). The arrays are
/// kept from one build to the next: each build's were ~4 MB of large-object-heap allocations there.
/// </remarks>
internal sealed class KeyedAncestors
{
    private DominatorTree? _tree;
    private int[] _start = [];
    private int[] _fill = [];
    private int[] _members = [];
    private int[] _memberEnter = [];
    private int[] _up = [];
    private int[] _lowest = [];
    private int[] _order = [];

    /// <summary>
    /// Groups the nodes of <paramref name="tree"/> by <paramref name="groupOf"/> (by node: a group
    /// below <paramref name="groups"/>, or -1 to leave the node out), replacing the previous grouping
    /// (its arrays are reused: the index is rebuilt every pass of a graph).
    /// </summary>
    public void Build(DominatorTree tree, int[] groupOf, int groups)
    {
        _tree = tree;
        var size = tree.Size;
        var up = _up = Fit(_up, size);
        var lowest = _lowest = Fit(_lowest, size);

        // Nodes by entry time (ancestors before descendants), and the size of each group.
        var order = _order = Fit(_order, size);
        var start = _start = Fit(_start, groups + 1);
        Array.Clear(start, 0, groups + 1);
        var count = 0;
        for (var node = 0; node < size; node++)
        {
            if (tree.Contains(node))
            {
                order[tree.Enter(node)] = node;
                count++;
                if (groupOf[node] >= 0)
                {
                    start[groupOf[node] + 1]++;
                }
            }
        }

        for (var g = 0; g < groups; g++)
        {
            start[g + 1] += start[g];
        }

        // Filled in entry order, so every group's slice stays sorted by entry time, and a node's
        // ancestors in its group are already in place when it is added.
        var members = _members = Fit(_members, start[groups]);
        var memberEnter = _memberEnter = Fit(_memberEnter, start[groups]);
        var fill = _fill = Fit(_fill, groups);
        Array.Copy(start, fill, groups);
        for (var enter = 0; enter < count; enter++)
        {
            var node = order[enter];
            var g = groupOf[node];
            if (g < 0)
            {
                continue;
            }

            var nearest = Nearest(start[g], fill[g], tree.Parent(node));
            up[node] = nearest;
            lowest[node] = nearest == DominatorTree.None ? node : Math.Min(node, lowest[nearest]);
            members[fill[g]] = node;
            memberEnter[fill[g]] = enter;
            fill[g]++;
        }
    }

    /// <summary><paramref name="array"/> when it holds <paramref name="length"/> items, else a new one (contents undefined).</summary>
    internal static int[] Fit(int[] array, int length) => array.Length >= length ? array : new int[length];

    /// <summary>The nearest ancestor of <paramref name="node"/> (or itself) in <paramref name="group"/>, or <see cref="DominatorTree.None"/>.</summary>
    public int Nearest(int group, int node) =>
        group < 0 ? DominatorTree.None : Nearest(_start[group], _start[group + 1], node);

    /// <summary>The next ancestor of the grouped <paramref name="node"/> in its group, or <see cref="DominatorTree.None"/>.</summary>
    public int Up(int node) => _up[node];

    /// <summary>
    /// The lowest node number among <paramref name="node"/>'s ancestors (and itself) in
    /// <paramref name="group"/>, or <see cref="int.MaxValue"/> when there is none.
    /// </summary>
    public int Lowest(int group, int node)
    {
        var nearest = Nearest(group, node);
        return nearest == DominatorTree.None ? int.MaxValue : _lowest[nearest];
    }

    /// <summary>The nearest ancestor-or-self of <paramref name="node"/> among the members in [from, to).</summary>
    private int Nearest(int from, int to, int node)
    {
        if (node == DominatorTree.None || from == to)
        {
            return DominatorTree.None;
        }

        // The last member entered no later than node: node's nearest such ancestor if it is one at all,
        // otherwise a descendant of that ancestor (entered between it and node), whose chain leads to it.
        var tree = _tree!;
        var enter = tree.Enter(node);
        int lo = from, hi = to - 1, found = -1;
        var memberEnter = _memberEnter;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (memberEnter[mid] <= enter)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var a = found < 0 ? DominatorTree.None : _members[found];
        while (a != DominatorTree.None && !tree.IsAncestorOrSelf(a, node))
        {
            a = _up[a];
        }

        return a;
    }
}
