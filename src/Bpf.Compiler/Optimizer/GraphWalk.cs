using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// Depth-first walks in exactly the order of libpcap's recursive walkers (true successor first,
/// a block visited once), without recursion so deep graphs cannot overflow the stack.
/// </summary>
internal static class GraphWalk
{
    // One work stack per thread, reused by every walk (walks do not nest); cleared after each walk
    // so it keeps no graph alive.
    [ThreadStatic]
    private static Block?[]? t_stack;

    [ThreadStatic]
    private static int[]? t_steps;

    /// <summary>The blocks reachable from <paramref name="root"/> in pre-order (libpcap's <c>number_blks_r</c>).</summary>
    public static List<Block> PreOrder(Block root) => PreOrder(root, []);

    /// <summary>As <see cref="PreOrder(Block)"/>, into <paramref name="order"/> (cleared first).</summary>
    public static List<Block> PreOrder(Block root, List<Block> order)
    {
        order.Clear();
        if (PreOrderShallow(root, Block.NewWalk(), order, 0))
        {
            return order;
        }

        order.Clear();
        var mark = Block.NewWalk();
        var stack = t_stack ??= new Block?[64];
        int top = 0, deepest = 0;
        stack[top++] = root;
        while (top > 0)
        {
            var b = stack[--top];
            if (b is null || b.WalkMark == mark)
            {
                continue;
            }

            b.WalkMark = mark;
            order.Add(b);
            if (top + 2 > stack.Length)
            {
                Array.Resize(ref stack, stack.Length * 2);
                t_stack = stack;
            }

            stack[top++] = b.False;
            stack[top++] = b.True;
            deepest = Math.Max(deepest, top);
        }

        Array.Clear(stack, 0, deepest);
        return order;
    }

    /// <summary>
    /// The blocks reachable from <paramref name="root"/> in post-order (libpcap's <c>find_levels_r</c>:
    /// a block is finished after both successors).
    /// </summary>
    public static List<Block> PostOrder(Block root) => PostOrder(root, []);

    /// <summary><see cref="PostOrder(Block)"/> into <paramref name="order"/> (cleared first), which it returns.</summary>
    public static List<Block> PostOrder(Block root, List<Block> order)
    {
        order.Clear();
        if (PostOrderShallow(root, Block.NewWalk(), order, 0))
        {
            return order;
        }

        order.Clear();
        var mark = Block.NewWalk();
        var stack = t_stack ??= new Block?[64];
        var steps = t_steps ??= new int[64];
        int top = 0, deepest = 1;
        stack[top] = root;
        steps[top++] = 0;
        while (top > 0)
        {
            var b = stack[--top]!;
            var step = steps[top];
            if (top + 2 > stack.Length || top + 2 > steps.Length)
            {
                Array.Resize(ref stack, Math.Max(stack.Length, steps.Length) * 2);
                Array.Resize(ref steps, stack.Length);
                (t_stack, t_steps) = (stack, steps);
            }

            switch (step)
            {
                case 0 when b.WalkMark == mark:
                    break;
                case 0 when b.True is not null:
                    b.WalkMark = mark;
                    (stack[top], steps[top++]) = (b, 1);
                    (stack[top], steps[top++]) = (b.True, 0);
                    break;
                case 0:
                    b.WalkMark = mark;
                    order.Add(b);
                    break;
                case 1:
                    (stack[top], steps[top++]) = (b, 2);
                    (stack[top], steps[top++]) = (b.False!, 0);
                    break;
                default:
                    order.Add(b);
                    break;
            }

            deepest = Math.Max(deepest, top);
        }

        Array.Clear(stack, 0, deepest);
        return order;
    }

    /// <summary>The recursive pre-order walk; false (order incomplete) when deeper than <see cref="Block.RecursiveWalkDepth"/>.</summary>
    private static bool PreOrderShallow(Block b, long mark, List<Block> order, int depth)
    {
        if (depth > Block.RecursiveWalkDepth)
        {
            return false;
        }

        b.WalkMark = mark;
        order.Add(b);
        if (b.True is { } t && t.WalkMark != mark && !PreOrderShallow(t, mark, order, depth + 1))
        {
            return false;
        }

        return b.False is not { } f || f.WalkMark == mark || PreOrderShallow(f, mark, order, depth + 1);
    }

    /// <summary>The recursive post-order walk; false (order incomplete) when deeper than <see cref="Block.RecursiveWalkDepth"/>.</summary>
    private static bool PostOrderShallow(Block b, long mark, List<Block> order, int depth)
    {
        if (depth > Block.RecursiveWalkDepth)
        {
            return false;
        }

        b.WalkMark = mark;
        if (b.True is { } t)
        {
            if (t.WalkMark != mark && !PostOrderShallow(t, mark, order, depth + 1))
            {
                return false;
            }

            if (b.False is { } f && f.WalkMark != mark && !PostOrderShallow(f, mark, order, depth + 1))
            {
                return false;
            }
        }

        order.Add(b);
        return true;
    }
}
