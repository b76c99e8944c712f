using System.Runtime.InteropServices;

namespace Bpf.Vm;

/// <summary>
/// One classic BPF instruction in its raw form, laid out exactly like libpcap's
/// <c>struct bpf_insn { u_short code; u_char jt; u_char jf; bpf_u_int32 k; }</c> (8 bytes),
/// so an array of these can be handed to native code unchanged.
/// </summary>
/// <param name="Code">The opcode: class | size/op | mode/source bits (see <see cref="Opcodes"/>).</param>
/// <param name="Jt">Conditional jumps: instructions to skip when the condition holds.</param>
/// <param name="Jf">Conditional jumps: instructions to skip when it does not.</param>
/// <param name="K">The generic operand: constant, offset, scratch index or jump distance.</param>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly record struct Instruction(ushort Code, byte Jt, byte Jf, uint K)
{
    /// <summary>An instruction with no jump targets: <c>(code, 0, 0, k)</c>.</summary>
    public static Instruction Stmt(ushort code, uint k = 0) => new(code, 0, 0, k);

    /// <summary>A conditional jump: <c>(code, jt, jf, k)</c>.</summary>
    public static Instruction Jump(ushort code, uint k, byte jt, byte jf) => new(code, jt, jf, k);

    /// <summary>The instruction class (<see cref="Opcodes.Ld"/>, <see cref="Opcodes.Jmp"/>, ...).</summary>
    public ushort Class => Opcodes.ClassOf(Code);

    /// <summary>True for conditional jumps (class JMP, any op but JA).</summary>
    public bool IsConditionalJump => Class == Opcodes.Jmp && Opcodes.OpOf(Code) != Opcodes.Ja;

    /// <summary>True for return instructions.</summary>
    public bool IsReturn => Class == Opcodes.Ret;

    /// <inheritdoc />
    public override string ToString() => $"{{ 0x{Code:x}, {Jt}, {Jf}, 0x{K:x8} }}";
}
