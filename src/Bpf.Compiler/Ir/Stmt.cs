using Bpf.Vm;

namespace Bpf.Compiler.Ir;

/// <summary>
/// One statement of the intermediate code, libpcap's <c>struct stmt</c>: an opcode and operand.
/// Statements inside a block never jump, except in the loops generated for <c>protochain</c> and a few
/// link-layer header computations, which use <see cref="JumpStmt"/> (libpcap's statement-level jumps;
/// they disable the optimizer, as in libpcap).
/// Mutable on purpose: code generation back-patches and the optimizer rewrites in place.
/// </summary>
/// <remarks>
/// The jump targets live in the subclass: every other statement (nearly all) is then 24 bytes, not 40
/// (statements were a fifth of a compile's allocated bytes).
/// </remarks>
internal class Stmt(ushort code, uint k = 0)
{
    /// <summary>The BPF opcode (<see cref="Opcodes"/>); <see cref="Nop"/> marks a deleted statement.</summary>
    public ushort Code { get; set; } = code;

    /// <summary>The operand.</summary>
    public uint K { get; set; } = k;

    /// <summary>For in-block jumps (<see cref="JumpStmt"/>): the statement jumped to when true; null for other statements.</summary>
    public Stmt? JumpTrue => (this as JumpStmt)?.TrueTarget;

    /// <summary>For in-block jumps (<see cref="JumpStmt"/>): the statement jumped to when false; null for other statements.</summary>
    public Stmt? JumpFalse => (this as JumpStmt)?.FalseTarget;

    /// <summary>libpcap's <c>NOP</c> pseudo-opcode (-1): a statement the optimizer deleted.</summary>
    public const ushort Nop = 0xffff;

    /// <inheritdoc />
    public override string ToString() => $"(0x{Code:x}, {K})";
}

/// <summary>
/// A statement that jumps to other statements of its block (protochain's loops, the 802.11 and prism
/// header-length code): libpcap's <c>jt</c>/<c>jf</c> fields of a <c>struct stmt</c>.
/// </summary>
internal sealed class JumpStmt(ushort code, uint k = 0) : Stmt(code, k)
{
    /// <summary>The statement jumped to when true (<see cref="Stmt.JumpTrue"/>).</summary>
    public Stmt? TrueTarget { get; set; }

    /// <summary>The statement jumped to when false (<see cref="Stmt.JumpFalse"/>).</summary>
    public Stmt? FalseTarget { get; set; }
}
