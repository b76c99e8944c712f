using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Compiler.Ir;

/// <summary>
/// Turns a finished block graph into a BPF instruction array, libpcap 1.10.3's
/// <c>icode_to_fcode</c>: every block is placed after its false and then its true successor, filling
/// the array from the back, so the order and every jump offset equal libpcap's for the same graph.
/// A branch whose target is 256 or more instructions away is marked "long" and the layout is redone
/// with room for a <c>ja</c> after it, until no branch is out of range.
/// </summary>
/// <remarks>
/// libpcap restarts after each newly found long branch, which is quadratic on big programs. Block
/// order does not depend on the marks and extra slots only ever lengthen forward distances, so a
/// branch found long stays long: marking every long branch of a pass at once reaches the same final
/// set of marks, hence the same array, in a handful of passes.
/// </remarks>
internal static class Linearizer
{
    /// <summary>
    /// Lays out the graph rooted at <paramref name="root"/> as a program: the instructions are laid out
    /// in this thread's buffer and copied once, into the program.
    /// </summary>
    /// <param name="root">The entry block.</param>
    /// <param name="position">The expression offset reported if the graph cannot be laid out.</param>
    /// <exception cref="FilterCompileException">
    /// An in-block (protochain) jump has no target, several targets or a target too far away;
    /// libpcap reports the same conditions.
    /// </exception>
    public static BpfProgram ToProgram(Block root, int position = 0)
    {
        ArgumentNullException.ThrowIfNull(root);
        var layout = Lay(root);
        if (layout.Output.Length < layout.Count)
            layout.Output = new Instruction[Math.Max(layout.Count, 2 * layout.Output.Length)];
        Emit(layout, layout.Output, position);
        var program = new BpfProgram(layout.Output.AsSpan(0, layout.Count));
        Return(layout);
        return program;
    }

    /// <summary><see cref="ToProgram"/>'s instructions as an array (for tests that look at the layout).</summary>
    /// <inheritdoc cref="ToProgram" path="/param"/>
    /// <inheritdoc cref="ToProgram" path="/exception"/>
    public static Instruction[] Linearize(Block root, int position = 0) => [.. ToProgram(root, position).Instructions];

    // This thread's layout arrays (kept there while in use: a layout is never re-entered on a thread,
    // and one left behind by an exception is reset by the next PostOrder), dropped by Return when huge.
    private static Layout Lay(Block root)
    {
        var layout = t_layout ??= new Layout();
        PostOrder(root, layout.Order);
        layout.Prepare();
        // Every branch goes forward (a successor is laid out after its block) and no further than the
        // program's length: a program of at most MaxShortProgram instructions has no long branch.
        while (layout.Place() > MaxShortProgram && layout.MarkLongBranches())
        {
        }
        return layout;
    }

    /// <summary>The longest program whose every branch is in range (a branch reaches at most length - 2 ahead).</summary>
    private const int MaxShortProgram = 257;

    private static void Return(Layout layout)
    {
        if (layout.Order.Count <= PooledBlocks && layout.Output.Length <= 4 * PooledBlocks)
            layout.Order.Clear();
        else
            t_layout = null;
    }

    /// <summary>The most blocks whose layout arrays a thread keeps for its next compile.</summary>
    private const int PooledBlocks = 4096;

    [ThreadStatic]
    private static Layout? t_layout;

    // libpcap's convert_code_r visits the false successor, then the true one, then places the block
    // in front of everything placed so far: blocks end up in reverse post-order.
    private static void PostOrder(Block root, List<Block> order)
    {
        order.Clear();
        var mark = Block.NewWalk();
        root.WalkMark = mark;
        if (PostOrderShallow(root, mark, order, 0))
        {
            return;
        }

        // Too deep to recurse: again with an explicit stack, under a new mark.
        order.Clear();
        mark = Block.NewWalk();
        root.WalkMark = mark;
        var stack = new Stack<(Block Block, int Step)>();
        stack.Push((root, 0));
        while (stack.Count > 0)
        {
            var (b, step) = stack.Pop();
            var next = step == 0 ? b.False : step == 1 ? b.True : null;
            if (step == 2)
            {
                order.Add(b);
                continue;
            }
            stack.Push((b, step + 1));
            if (next != null && next.WalkMark != mark)
            {
                next.WalkMark = mark;
                stack.Push((next, 0));
            }
        }
    }

    /// <summary>
    /// <see cref="PostOrder"/> by recursion (no stores of blocks into a heap stack) while the graph is
    /// at most <see cref="Block.RecursiveWalkDepth"/> deep; false (order incomplete) beyond.
    /// </summary>
    private static bool PostOrderShallow(Block b, long mark, List<Block> order, int depth)
    {
        if (depth > Block.RecursiveWalkDepth)
            return false;
        if (b.False is { } f && f.WalkMark != mark)
        {
            f.WalkMark = mark;
            if (!PostOrderShallow(f, mark, order, depth + 1))
                return false;
        }
        if (b.True is { } t && t.WalkMark != mark)
        {
            t.WalkMark = mark;
            if (!PostOrderShallow(t, mark, order, depth + 1))
                return false;
        }
        order.Add(b);
        return true;
    }

    private sealed class Layout
    {
        public readonly List<Block> Order = [];
        public int[] Offset = [];
        public int[] Length = [];
        public bool[] LongTrue = [];
        public bool[] LongFalse = [];
        public int[] TrueIndex = [];
        public int[] FalseIndex = [];
        public Instruction[] Output = [];
        public int Count;

        // A block's position is parked in its WalkMark as -(position + 1) (walk marks are positive,
        // so no walk mistakes it for its own): no block-to-index dictionary.
        // Sizes the arrays for Order (grown when too small, else the long-branch marks cleared).
        public void Prepare()
        {
            var order = Order;
            var n = order.Count;
            if (Offset.Length < n)
            {
                Offset = new int[n];
                Length = new int[n];
                LongTrue = new bool[n];
                LongFalse = new bool[n];
                TrueIndex = new int[n];
                FalseIndex = new int[n];
            }
            else
            {
                Array.Clear(LongTrue, 0, n);
                Array.Clear(LongFalse, 0, n);
            }
            // In post-order a block's successors come before it: their positions are parked by then.
            for (var i = 0; i < n; i++)
            {
                var b = order[i];
                b.WalkMark = -(i + 1);
                Length[i] = StatementCount(b);
                TrueIndex[i] = b.True == null ? -1 : (int)(-b.True.WalkMark - 1);
                FalseIndex[i] = b.False == null ? -1 : (int)(-b.False.WalkMark - 1);
            }
        }

        public int Size(int i) => Length[i] + 1 + (LongTrue[i] ? 1 : 0) + (LongFalse[i] ? 1 : 0);

        // libpcap's count_stmts and the offsets convert_code_r assigns; the program's length.
        public int Place()
        {
            Count = 0;
            for (var i = 0; i < Order.Count; i++)
                Count += Size(i);
            var tail = Count;
            for (var i = 0; i < Order.Count; i++)
            {
                tail -= Size(i);
                Offset[i] = tail;
            }
            return Count;
        }

        // Unsigned, as in libpcap: a target behind the branch counts as out of range.
        public uint Distance(int i, int target) => unchecked((uint)(Offset[target] - (Offset[i] + Length[i]) - 1));

        public bool MarkLongBranches()
        {
            var changed = false;
            for (var i = 0; i < Order.Count; i++)
            {
                if (TrueIndex[i] < 0 || FalseIndex[i] < 0)
                    continue;
                if (!LongTrue[i] && Distance(i, TrueIndex[i]) >= 256)
                    changed = LongTrue[i] = true;
                if (!LongFalse[i] && Distance(i, FalseIndex[i]) >= 256)
                    changed = LongFalse[i] = true;
            }
            return changed;
        }
    }

    // libpcap's slength: deleted statements take no room.
    private static int StatementCount(Block b)
    {
        var n = 0;
        foreach (var s in CollectionsMarshal.AsSpan(b.Stmts))
            if (s.Code != Stmt.Nop)
                n++;
        return n;
    }

    private static void Emit(Layout layout, Instruction[] output, int position)
    {
        for (var i = 0; i < layout.Order.Count; i++)
        {
            var p = layout.Order[i];
            var slen = layout.Length[i];
            var dst = layout.Offset[i];
            var off = 0;
            foreach (var src in CollectionsMarshal.AsSpan(p.Stmts))
            {
                if (src.Code == Stmt.Nop)
                    continue;
                byte jt = 0, jf = 0;
                var isJump = Opcodes.ClassOf(src.Code) == Opcodes.Jmp && src.Code != (Opcodes.Jmp | Opcodes.Ja);
                // libpcap skips resolving a jump that is the next-to-last statement (its "/*???*/" test).
                if (isJump && off != slen - 2)
                    (jt, jf) = ResolveLocalJump(p, src, off, slen, position);
                output[dst++] = new Instruction(src.Code, jt, jf, src.K);
                off++;
            }
            EmitBranch(layout, i, output, dst);
        }
    }

    private static void EmitBranch(Layout layout, int i, Instruction[] output, int dst)
    {
        var p = layout.Order[i];
        if (layout.TrueIndex[i] < 0 || layout.FalseIndex[i] < 0)
        {
            output[dst] = new Instruction(p.Branch.Code, 0, 0, p.Branch.K);
            return;
        }
        byte extra = 0;
        byte jt, jf;
        var offTrue = layout.Distance(i, layout.TrueIndex[i]);
        if (layout.LongTrue[i])
        {
            jt = extra++;
            output[dst + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, offTrue - extra);
        }
        else
            jt = (byte)offTrue;
        var offFalse = layout.Distance(i, layout.FalseIndex[i]);
        if (layout.LongFalse[i])
        {
            // With two long branches, false goes to the second ja.
            jf = extra++;
            output[dst + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, offFalse - extra);
        }
        else
            jf = (byte)offFalse;
        output[dst] = new Instruction(p.Branch.Code, jt, jf, p.Branch.K);
    }

    // In-block jumps of protochain's loops: targets are found among the block's first slen list
    // entries (deleted ones included, as libpcap's offset[] table is built).
    private static (byte Jt, byte Jf) ResolveLocalJump(Block p, Stmt src, int off, int slen, int position)
    {
        if (src.JumpTrue == null || src.JumpFalse == null)
            throw Error(position, "no jmp destination", off);
        int jt = -1, jf = -1;
        var limit = Math.Min(slen, p.Stmts.Count);
        for (var i = 0; i < limit; i++)
        {
            var candidate = p.Stmts[i];
            if (ReferenceEquals(candidate, src.JumpTrue))
            {
                if (jt >= 0)
                    throw Error(position, "multiple matches", off);
                if (unchecked((uint)(i - off - 1)) >= 256)
                    throw Error(position, "out-of-range jump", off);
                jt = i - off - 1;
            }
            if (ReferenceEquals(candidate, src.JumpFalse))
            {
                if (jf >= 0)
                    throw Error(position, "multiple matches", off);
                if (unchecked((uint)(i - off - 1)) >= 256)
                    throw Error(position, "out-of-range jump", off);
                jf = i - off - 1;
            }
        }
        if (jt < 0 || jf < 0)
            throw Error(position, "no destination found", off);
        return ((byte)jt, (byte)jf);
    }

    private static FilterCompileException Error(int position, string what, int off) =>
        new(FilterErrorKind.TooComplex, position, $"{what} for block-local relative jump: off={off}");
}
