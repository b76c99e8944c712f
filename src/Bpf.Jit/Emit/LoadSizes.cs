using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>Which instructions read packet bytes, and how many.</summary>
internal static class LoadSizes
{
    /// <summary>Bytes read by a BPF_LD load of the given size bits (<c>W</c>, <c>H</c>, <c>B</c>).</summary>
    public static uint Of(ushort code) => Opcodes.SizeOf(code) switch
    {
        Opcodes.W => 4,
        Opcodes.H => 2,
        _ => 1,
    };

    /// <summary>True for loads at a constant offset: <c>ld [k]</c> and <c>ldxb 4*([k]&amp;0xf)</c>.</summary>
    public static bool IsAbsolute(ushort code) =>
        (Opcodes.ClassOf(code) == Opcodes.Ld && Opcodes.ModeOf(code) == Opcodes.Abs)
        || (Opcodes.ClassOf(code) == Opcodes.Ldx && Opcodes.ModeOf(code) == Opcodes.Msh);

    /// <summary>True for loads at <c>X + k</c>.</summary>
    public static bool IsIndexed(ushort code) =>
        Opcodes.ClassOf(code) == Opcodes.Ld && Opcodes.ModeOf(code) == Opcodes.Ind;

    /// <summary>True when the instruction changes X.</summary>
    public static bool WritesX(ushort code) =>
        Opcodes.ClassOf(code) == Opcodes.Ldx
        || (Opcodes.ClassOf(code) == Opcodes.Misc && Opcodes.MiscOpOf(code) == Opcodes.Tax);

    /// <summary>
    /// The end (exclusive) of the bytes a load reads, <c>k + size</c>, as a 64-bit number so a k near
    /// 2^32 cannot wrap into a small, in-bounds value.
    /// </summary>
    public static ulong EndOf(Instruction insn) =>
        (ulong)insn.K + (Opcodes.ClassOf(insn.Code) == Opcodes.Ldx ? 1u : Of(insn.Code));
}
