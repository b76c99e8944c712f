namespace Bpf.Compiler.Ir;

/// <summary>
/// Turns a finished block graph into a BPF instruction array, libpcap 1.10.3's
/// <c>icode_to_fcode</c>: every block is placed after its false and then its true successor, filling
/// the array from the back, so the order and every jump offset equal libpcap's for the same graph.
/// A branch whose target is 256 or more instructions away is marked "long" and the whole layout is
/// redone with room for a <c>ja</c> after it, until no branch is out of range.
/// </summary>
internal static class Linearizer
{
    /// <summary>Lays out the graph rooted at <paramref name="root"/>.</summary>
    /// <param name="root">The entry block.</param>
    /// <param name="position">The expression offset reported if the graph cannot be laid out.</param>
    /// <exception cref="FilterCompileException">
    /// An in-block (protochain) jump has no target, several targets or a target too far away;
    /// libpcap reports the same conditions.
    /// </exception>
    public static Instruction[] Linearize(Block root, int position = 0)
    {
        ArgumentNullException.ThrowIfNull(root);
        var state = new State(position);
        while (true)
        {
            var count = CountStatements(root, new HashSet<Block>(ReferenceEqualityComparer.Instance), state);
            state.Output = new Instruction[count];
            state.Tail = count;
            state.Offsets.Clear();
            if (Convert(root, new HashSet<Block>(ReferenceEqualityComparer.Instance), state))
                return state.Output;
        }
    }

    private sealed class State(int position)
    {
        public readonly int Position = position;
        public readonly HashSet<Block> LongTrue = new(ReferenceEqualityComparer.Instance);
        public readonly HashSet<Block> LongFalse = new(ReferenceEqualityComparer.Instance);
        public readonly Dictionary<Block, int> Offsets = new(ReferenceEqualityComparer.Instance);
        public Instruction[] Output = [];
        public int Tail;

        public int Extra(Block b) => (LongTrue.Contains(b) ? 1 : 0) + (LongFalse.Contains(b) ? 1 : 0);
    }

    // libpcap's slength: deleted statements take no room.
    private static int Length(Block b)
    {
        var n = 0;
        foreach (var s in b.Stmts)
            if (s.Code != Stmt.Nop)
                n++;
        return n;
    }

    // libpcap's count_stmts: statements, the branch, and a slot per long branch, over reachable blocks.
    private static int CountStatements(Block? b, HashSet<Block> seen, State state)
    {
        if (b == null || !seen.Add(b))
            return 0;
        var n = CountStatements(b.True, seen, state) + CountStatements(b.False, seen, state);
        return Length(b) + n + 1 + state.Extra(b);
    }

    // libpcap's convert_code_r; false means a branch was newly marked long and the layout must restart.
    private static bool Convert(Block? p, HashSet<Block> seen, State state)
    {
        if (p == null || !seen.Add(p))
            return true;
        if (!Convert(p.False, seen, state) || !Convert(p.True, seen, state))
            return false;

        var slen = Length(p);
        state.Tail -= slen + 1 + state.Extra(p);
        var start = state.Tail;
        state.Offsets[p] = start;
        var output = state.Output;
        var dst = start;
        var off = 0;
        foreach (var src in p.Stmts)
        {
            if (src.Code == Stmt.Nop)
                continue;
            byte jt = 0, jf = 0;
            var isJump = Opcodes.ClassOf(src.Code) == Opcodes.Jmp && src.Code != (Opcodes.Jmp | Opcodes.Ja);
            // libpcap skips resolving a jump that is the next-to-last statement (its "/*???*/" test).
            if (isJump && off != slen - 2)
                (jt, jf) = ResolveLocalJump(p, src, off, slen, state);
            output[dst++] = new Instruction(src.Code, jt, jf, src.K);
            off++;
        }
        return EmitBranch(p, dst, start + slen, state);
    }

    private static bool EmitBranch(Block p, int dst, int branchIndex, State state)
    {
        var output = state.Output;
        if (p.True == null || p.False == null)
        {
            output[dst] = new Instruction(p.Branch.Code, 0, 0, p.Branch.K);
            return true;
        }
        byte extra = 0;
        // Unsigned, as in libpcap: a target behind the branch counts as out of range.
        var offTrue = unchecked((uint)(state.Offsets[p.True] - branchIndex - 1));
        byte jt;
        if (offTrue >= 256)
        {
            if (state.LongTrue.Add(p))
                return false;
            jt = extra++;
            output[dst + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, offTrue - extra);
        }
        else
            jt = (byte)offTrue;
        var offFalse = unchecked((uint)(state.Offsets[p.False] - branchIndex - 1));
        byte jf;
        if (offFalse >= 256)
        {
            if (state.LongFalse.Add(p))
                return false;
            // With two long branches, false goes to the second ja.
            jf = extra++;
            output[dst + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, offFalse - extra);
        }
        else
            jf = (byte)offFalse;
        output[dst] = new Instruction(p.Branch.Code, jt, jf, p.Branch.K);
        // A slot reserved on an earlier pass but no longer needed stays zero, as libpcap's memset leaves it.
        return true;
    }

    // In-block jumps of protochain's loops: targets are found among the block's first slen list
    // entries (deleted ones included, as libpcap's offset[] table is built).
    private static (byte Jt, byte Jf) ResolveLocalJump(Block p, Stmt src, int off, int slen, State state)
    {
        if (src.JumpTrue == null || src.JumpFalse == null)
            throw Error(state, "no jmp destination", off);
        int jt = -1, jf = -1;
        var limit = Math.Min(slen, p.Stmts.Count);
        for (var i = 0; i < limit; i++)
        {
            var candidate = p.Stmts[i];
            if (ReferenceEquals(candidate, src.JumpTrue))
            {
                if (jt >= 0)
                    throw Error(state, "multiple matches", off);
                if (unchecked((uint)(i - off - 1)) >= 256)
                    throw Error(state, "out-of-range jump", off);
                jt = i - off - 1;
            }
            if (ReferenceEquals(candidate, src.JumpFalse))
            {
                if (jf >= 0)
                    throw Error(state, "multiple matches", off);
                if (unchecked((uint)(i - off - 1)) >= 256)
                    throw Error(state, "out-of-range jump", off);
                jf = i - off - 1;
            }
        }
        if (jt < 0 || jf < 0)
            throw Error(state, "no destination found", off);
        return ((byte)jt, (byte)jf);
    }

    private static FilterCompileException Error(State state, string what, int off) =>
        new(FilterErrorKind.TooComplex, state.Position, $"{what} for block-local relative jump: off={off}");
}
