using Bpf.Vm;

namespace Bpf.Compiler.Ir;

/// <summary>
/// One statement of the intermediate code, libpcap's <c>struct stmt</c>: an opcode and operand.
/// Statements inside a block never jump, except in the loops generated for <c>protochain</c>, where
/// <see cref="JumpTrue"/> / <see cref="JumpFalse"/> name other statements of the same block
/// (libpcap's statement-level jumps; they disable the optimizer, as in libpcap).
/// Mutable on purpose: code generation back-patches and the optimizer rewrites in place.
/// </summary>
internal sealed class Stmt(ushort code, uint k = 0)
{
    /// <summary>The BPF opcode (<see cref="Opcodes"/>); <see cref="Nop"/> marks a deleted statement.</summary>
    public ushort Code { get; set; } = code;

    /// <summary>The operand.</summary>
    public uint K { get; set; } = k;

    /// <summary>For in-block jumps (protochain only): the statement jumped to when true.</summary>
    public Stmt? JumpTrue { get; set; }

    /// <summary>For in-block jumps (protochain only): the statement jumped to when false.</summary>
    public Stmt? JumpFalse { get; set; }

    /// <summary>libpcap's <c>NOP</c> pseudo-opcode (-1): a statement the optimizer deleted.</summary>
    public const ushort Nop = 0xffff;

    /// <inheritdoc />
    public override string ToString() => $"(0x{Code:x}, {K})";
}
