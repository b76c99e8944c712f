using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// Depth-first walks in exactly the order of libpcap's recursive walkers (true successor first,
/// a block visited once), without recursion so deep graphs cannot overflow the stack.
/// </summary>
internal static class GraphWalk
{
    /// <summary>The blocks reachable from <paramref name="root"/> in pre-order (libpcap's <c>number_blks_r</c>).</summary>
    public static List<Block> PreOrder(Block root)
    {
        var order = new List<Block>();
        var seen = new HashSet<Block>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Block?>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var b = stack.Pop();
            if (b is null || !seen.Add(b))
            {
                continue;
            }

            order.Add(b);
            stack.Push(b.False);
            stack.Push(b.True);
        }

        return order;
    }

    /// <summary>
    /// The blocks reachable from <paramref name="root"/> in post-order (libpcap's <c>find_levels_r</c>:
    /// a block is finished after both successors).
    /// </summary>
    public static List<Block> PostOrder(Block root)
    {
        var order = new List<Block>();
        var seen = new HashSet<Block>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Block Block, int Step)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (b, step) = stack.Pop();
            switch (step)
            {
                case 0 when !seen.Add(b):
                    break;
                case 0 when b.True is not null:
                    stack.Push((b, 1));
                    stack.Push((b.True, 0));
                    break;
                case 1:
                    stack.Push((b, 2));
                    stack.Push((b.False!, 0));
                    break;
                default:
                    order.Add(b);
                    break;
            }
        }

        return order;
    }
}
