using Bpf.Vm;

namespace Bpf.Verification.Encoding;

/// <summary>The free inputs Linux's ancillary loads read, one per known offset, with the width the kernel fills.</summary>
internal static class AncillaryInputs
{
    /// <summary>The solver name of the input at ancillary offset <paramref name="k"/> (an absolute load offset).</summary>
    public static string Name(uint k) => "anc" + (k - AncillaryOffsets.AdOffset);

    /// <summary>True when an absolute load at <paramref name="k"/> reads metadata rather than packet bytes.</summary>
    public static bool IsInput(uint k) => AncillaryOffsets.IsKnown(k) && k != AncillaryOffsets.AdOffset + AncillaryOffsets.AluXorX;

    /// <summary>True for <c>ld [xor_x]</c>, which the kernel runs as <c>A ^= X</c>.</summary>
    public static bool IsXorX(uint k) => k == AncillaryOffsets.AdOffset + AncillaryOffsets.AluXorX;

    /// <summary>The largest value the kernel can load at <paramref name="k"/> (its field's width).</summary>
    public static uint MaxValue(uint k) => (k - AncillaryOffsets.AdOffset) switch
    {
        AncillaryOffsets.VlanTagPresent => 1,
        AncillaryOffsets.PacketType => 7,
        AncillaryOffsets.Protocol or AncillaryOffsets.VlanTag or AncillaryOffsets.VlanTpid
            or AncillaryOffsets.HardwareType or AncillaryOffsets.Queue => 0xffff,
        _ => uint.MaxValue,
    };

    /// <summary>
    /// The program the interpreter runs to confirm a model: each ancillary load becomes <c>ld #value</c>
    /// (the model's metadata) and <c>ld [xor_x]</c> becomes <c>xor x</c>; jump offsets are unchanged.
    /// </summary>
    public static BpfProgram Substitute(BpfProgram program, IReadOnlyDictionary<uint, uint> values)
    {
        var changed = false;
        var result = new Instruction[program.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var insn = program[i];
            if (IsAncillaryLoad(insn))
            {
                changed = true;
                insn = IsXorX(insn.K)
                    ? Instruction.Stmt(Opcodes.Alu | Opcodes.Xor | Opcodes.X)
                    : Instruction.Stmt(Opcodes.Ld | Opcodes.Imm, values.GetValueOrDefault(insn.K));
            }
            result[i] = insn;
        }
        return changed ? new BpfProgram(result) : program;
    }

    /// <summary>True for <c>ld</c>/<c>ldh</c>/<c>ldb</c> at a known ancillary offset.</summary>
    public static bool IsAncillaryLoad(Instruction insn) =>
        insn.Code is (Opcodes.Ld | Opcodes.W | Opcodes.Abs) or (Opcodes.Ld | Opcodes.H | Opcodes.Abs) or (Opcodes.Ld | Opcodes.B | Opcodes.Abs)
        && AncillaryOffsets.IsKnown(insn.K);
}
