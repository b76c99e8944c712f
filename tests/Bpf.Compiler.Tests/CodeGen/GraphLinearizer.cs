using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// A test-only port of libpcap's icode_to_fcode for unoptimized graphs: emits each block after its
/// false then true successors, back to front, and adds a <c>ja</c> after a branch whose offset does
/// not fit in 8 bits (retrying from scratch as libpcap does), so the output can be compared with
/// <c>pcap_compile(..., optimize=0)</c> instruction for instruction. The pipeline's linearizer is the
/// production one.
/// </summary>
internal sealed class GraphLinearizer
{
    private readonly HashSet<Block> _longTrue = [];
    private readonly HashSet<Block> _longFalse = [];
    private Dictionary<Block, int> _offsets = [];
    private Instruction[] _output = [];
    private int _tail;

    public static Instruction[] Linearize(Block root)
    {
        var l = new GraphLinearizer();
        while (true)
        {
            var count = l.Count(root, []);
            l._output = new Instruction[count];
            l._tail = count;
            l._offsets = [];
            if (l.Emit(root))
                return l._output;
        }
    }

    private int Extra(Block b) => (_longTrue.Contains(b) ? 1 : 0) + (_longFalse.Contains(b) ? 1 : 0);

    private int Count(Block? b, HashSet<Block> seen)
    {
        if (b == null || !seen.Add(b))
            return 0;
        return Count(b.True, seen) + Count(b.False, seen) + b.Stmts.Count + 1 + Extra(b);
    }

    private bool Emit(Block? p)
    {
        if (p == null || _offsets.ContainsKey(p))
            return true;
        _offsets[p] = -1;
        if (!Emit(p.False) || !Emit(p.True))
            return false;
        var slen = p.Stmts.Count;
        _tail -= slen + 1 + Extra(p);
        var start = _tail;
        _offsets[p] = start;
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
                jt = checked((byte)(p.Stmts.IndexOf(src.JumpTrue) - off - 1));
                jf = checked((byte)(p.Stmts.IndexOf(src.JumpFalse) - off - 1));
            }
            _output[start + off] = new Instruction(src.Code, jt, jf, src.K);
        }
        var at = start + slen;
        byte bjt = 0, bjf = 0;
        if (p.True != null)
        {
            var extra = 0;
            var off = _offsets[p.True] - at - 1;
            if (off >= 256)
            {
                if (_longTrue.Add(p))
                    return false;
                bjt = (byte)extra;
                extra++;
                _output[at + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, (uint)(off - extra));
            }
            else
                bjt = (byte)off;
            off = _offsets[p.False!] - at - 1;
            if (off >= 256)
            {
                if (_longFalse.Add(p))
                    return false;
                bjf = (byte)extra;
                extra++;
                _output[at + extra] = new Instruction(Opcodes.Jmp | Opcodes.Ja, 0, 0, (uint)(off - extra));
            }
            else
                bjf = (byte)off;
        }
        _output[at] = new Instruction(p.Branch.Code, bjt, bjf, p.Branch.K);
        return true;
    }
}
