using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>What a packet value is: where it was read and how (see <see cref="PacketValue"/>).</summary>
internal enum PacketValueKind : byte
{
    /// <summary>Not known to be a packet value (a constant, arithmetic, scratch memory, paths that disagree).</summary>
    None,

    /// <summary><c>ld [k]</c>, <c>ldh [k]</c>, <c>ldb [k]</c>: <see cref="PacketValue.Size"/> bytes at <see cref="PacketValue.Offset"/>.</summary>
    Absolute,

    /// <summary><c>ldxb 4*([k]&amp;0xf)</c>: the IPv4 header length of the byte at <see cref="PacketValue.Offset"/>.</summary>
    HeaderLength,

    /// <summary>
    /// <c>ld [x + k]</c> with X the header length of the byte at <see cref="PacketValue.Base"/>:
    /// <see cref="PacketValue.Size"/> bytes at that length plus <see cref="PacketValue.Offset"/>.
    /// </summary>
    Indexed,
}

/// <summary>
/// A value read from the current packet that several programs may read alike: the ethertype
/// (<c>ldh [12]</c>), the IPv4 header length (<c>ldxb 4*([14]&amp;0xf)</c>), a TCP port (<c>ldh [x + 14]</c>
/// after it). Equal values mean equal bytes for the same packet, whichever program read them.
/// </summary>
internal readonly record struct PacketValue(PacketValueKind Kind, uint Offset, uint Size, uint Base = 0)
{
    public static readonly PacketValue None = default;

    /// <summary>The value a packet load reads, when X before it is <paramref name="x"/>; <see cref="None"/> for other instructions.</summary>
    public static PacketValue Of(Instruction insn, PacketValue x)
    {
        if (Opcodes.ClassOf(insn.Code) == Opcodes.Ldx)
            return Opcodes.ModeOf(insn.Code) == Opcodes.Msh ? new(PacketValueKind.HeaderLength, insn.K, 1) : None;
        if (Opcodes.ClassOf(insn.Code) != Opcodes.Ld)
            return None;
        return Opcodes.ModeOf(insn.Code) switch
        {
            Opcodes.Abs => new(PacketValueKind.Absolute, insn.K, LoadSizes.Of(insn.Code)),
            Opcodes.Ind when x.Kind == PacketValueKind.HeaderLength => new(PacketValueKind.Indexed, insn.K, LoadSizes.Of(insn.Code), x.Offset),
            _ => None,
        };
    }
}

/// <summary>
/// A conditional jump's test of a packet value against a constant (<c>jeq #0x800</c> after <c>ldh [12]</c>):
/// its outcome is the same for every program that makes it on the same packet.
/// </summary>
internal readonly record struct PacketTest(PacketValue Value, ushort Op, uint K);

/// <summary>
/// Which packet value A and X hold before each instruction of a validated program, when every path to
/// it agrees (a forward data-flow pass over the basic blocks, meeting at joins). Programs with backward
/// jumps are not analysed (everything <see cref="PacketValue.None"/>): sharing is for the common, loop-free case.
/// </summary>
internal sealed class ValueFlow
{
    private ValueFlow(PacketValue[] a, PacketValue[] x)
    {
        A = a;
        X = x;
    }

    /// <summary>Per instruction: the packet value in A before it runs.</summary>
    public PacketValue[] A { get; }

    /// <summary>Per instruction: the packet value in X before it runs.</summary>
    public PacketValue[] X { get; }

    /// <summary>The test instruction <paramref name="index"/> makes, when it compares a packet value with a constant and has two different targets.</summary>
    public PacketTest? TestAt(Instruction[] program, int index)
    {
        var insn = program[index];
        if (Opcodes.ClassOf(insn.Code) != Opcodes.Jmp || Opcodes.OpOf(insn.Code) == Opcodes.Ja
            || Opcodes.SrcOf(insn.Code) != Opcodes.K || insn.Jt == insn.Jf || A[index].Kind == PacketValueKind.None)
            return null;
        return new PacketTest(A[index], Opcodes.OpOf(insn.Code), insn.K);
    }

    /// <summary>Analyses <paramref name="program"/> (validated) split into <paramref name="blocks"/>.</summary>
    public static ValueFlow Analyze(Instruction[] program, BasicBlock[] blocks)
    {
        var a = new PacketValue[program.Length];
        var x = new PacketValue[program.Length];
        if (Array.Exists(program, insn => insn.Code == (Opcodes.Jmp | Opcodes.Ja) && (int)insn.K < 0))
            return new ValueFlow(a, x);

        // Entry state per block start; reached = some predecessor (or the entry) flowed in.
        var entryA = new PacketValue[program.Length + 1];
        var entryX = new PacketValue[program.Length + 1];
        var reached = new bool[program.Length + 1];
        reached[0] = true;
        void FlowTo(int target, PacketValue va, PacketValue vx)
        {
            if (!reached[target])
            {
                reached[target] = true;
                entryA[target] = va;
                entryX[target] = vx;
                return;
            }
            if (entryA[target] != va)
                entryA[target] = PacketValue.None;
            if (entryX[target] != vx)
                entryX[target] = PacketValue.None;
        }

        // Jumps only go forward, so every predecessor of a block is done before the block.
        foreach (var block in blocks)
        {
            var va = reached[block.Start] ? entryA[block.Start] : PacketValue.None;
            var vx = reached[block.Start] ? entryX[block.Start] : PacketValue.None;
            for (var i = block.Start; i <= block.End; i++)
            {
                a[i] = va;
                x[i] = vx;
                var insn = program[i];
                switch (Opcodes.ClassOf(insn.Code))
                {
                    case Opcodes.Ld:
                        va = PacketValue.Of(insn, vx);
                        break;
                    case Opcodes.Ldx:
                        vx = PacketValue.Of(insn, vx);
                        break;
                    case Opcodes.Alu:
                        va = PacketValue.None;
                        break;
                    case Opcodes.Misc:
                        if (insn.Code == (Opcodes.Misc | Opcodes.Txa))
                            va = vx;
                        else
                            vx = va;
                        break;
                }
            }
            var last = program[block.End];
            if (Opcodes.ClassOf(last.Code) == Opcodes.Jmp)
            {
                if (Opcodes.OpOf(last.Code) == Opcodes.Ja)
                    FlowTo(BasicBlock.JumpTarget(block.End, last.K), va, vx);
                else
                {
                    FlowTo(block.End + 1 + last.Jt, va, vx);
                    FlowTo(block.End + 1 + last.Jf, va, vx);
                }
            }
            else if (Opcodes.ClassOf(last.Code) != Opcodes.Ret)
                FlowTo(block.End + 1, va, vx);
        }
        return new ValueFlow(a, x);
    }
}
