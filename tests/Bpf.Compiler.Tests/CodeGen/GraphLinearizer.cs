using Bpf.Compiler.Ir;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// A test-only port of libpcap's icode_to_fcode for unoptimized graphs: emits each block after its
/// false then true successors, back to front, so the output can be compared with libpcap's
/// <c>pcap_compile(..., optimize=0)</c> instruction for instruction. Long jumps are not handled
/// (the test expressions stay short); the pipeline's linearizer is the production one.
/// </summary>
internal static class GraphLinearizer
{
    public static Instruction[] Linearize(Block root)
    {
        var seen = new HashSet<Block>();
        var count = Count(root, seen);
        var output = new Instruction[count];
        var tail = count;
        var offsets = new Dictionary<Block, int>();
        Emit(root, output, ref tail, offsets);
        return output;
    }

    private static int Count(Block? b, HashSet<Block> seen)
    {
        if (b == null || !seen.Add(b))
            return 0;
        return Count(b.True, seen) + Count(b.False, seen) + b.Stmts.Count + 1;
    }

    private static void Emit(Block? p, Instruction[] output, ref int tail, Dictionary<Block, int> offsets)
    {
        if (p == null || offsets.ContainsKey(p))
            return;
        offsets[p] = -1;
        Emit(p.False, output, ref tail, offsets);
        Emit(p.True, output, ref tail, offsets);
        var slen = p.Stmts.Count;
        tail -= slen + 1;
        var start = tail;
        offsets[p] = start;
        for (var off = 0; off < slen; off++)
        {
            var src = p.Stmts[off];
            byte jt = 0, jf = 0;
            var isJump = Opcodes.ClassOf(src.Code) == Opcodes.Jmp && src.Code != (Opcodes.Jmp | Opcodes.Ja);
            // libpcap leaves a jump in the next-to-last statement unresolved (its "/*???*/" quirk).
            if (isJump && off != slen - 2)
            {
                if (src.JumpTrue == null || src.JumpFalse == null)
                    throw new InvalidOperationException($"no jmp destination for block-local relative jump: off={off}");
                jt = (byte)(p.Stmts.IndexOf(src.JumpTrue) - off - 1);
                jf = (byte)(p.Stmts.IndexOf(src.JumpFalse) - off - 1);
            }
            output[start + off] = new Instruction(src.Code, jt, jf, src.K);
        }
        byte bjt = 0, bjf = 0;
        if (p.True != null)
        {
            bjt = checked((byte)(offsets[p.True] - (start + slen) - 1));
            bjf = checked((byte)(offsets[p.False!] - (start + slen) - 1));
        }
        output[start + slen] = new Instruction(p.Branch.Code, bjt, bjf, p.Branch.K);
    }
}
