using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// A maximal run of instructions <c>[Start, End]</c> entered only at <see cref="Start"/> and left only
/// after <see cref="End"/>: once the first instruction runs, every later one runs too, unless the
/// program stops early, and in classic BPF an early stop inside a block always returns 0
/// (out-of-bounds load or division by zero). That is what makes hoisting bounds checks safe.
/// </summary>
/// <param name="Start">Index of the first instruction (a jump target, the entry, or after a jump/return).</param>
/// <param name="End">Index of the last instruction (a jump, a return, or the one before the next leader).</param>
internal readonly record struct BasicBlock(int Start, int End)
{
    /// <summary>Splits a validated program into its basic blocks, in program order.</summary>
    public static BasicBlock[] Split(ReadOnlySpan<Instruction> program)
    {
        var leader = new bool[program.Length + 1];
        leader[0] = true;
        for (var i = 0; i < program.Length; i++)
        {
            var insn = program[i];
            if (insn.Class == Opcodes.Jmp)
            {
                if (Opcodes.OpOf(insn.Code) == Opcodes.Ja)
                    leader[JumpTarget(i, insn.K)] = true;
                else
                {
                    leader[i + 1 + insn.Jt] = true;
                    leader[i + 1 + insn.Jf] = true;
                }
                leader[i + 1] = true;
            }
            else if (insn.Class == Opcodes.Ret)
                leader[i + 1] = true;
        }

        var blocks = new List<BasicBlock>();
        var start = 0;
        for (var i = 1; i <= program.Length; i++)
        {
            if (!leader[i])
                continue;
            blocks.Add(new BasicBlock(start, i - 1));
            start = i;
        }
        return [.. blocks];
    }

    /// <summary>
    /// The target of <c>ja k</c> at <paramref name="index"/>. libpcap adds k to the next index with
    /// unsigned wrap-around (so protochain's backward jumps are negative k); validation has already
    /// checked the result lies inside the program.
    /// </summary>
    public static int JumpTarget(int index, uint k) => (int)unchecked((uint)(index + 1) + k);
}
