namespace Bpf.Vm;

/// <summary>
/// Classic BPF opcode fields, with the values of libpcap's <c>pcap/bpf.h</c>.
/// An opcode is <c>class | size | mode</c> for loads and stores, <c>class | op | source</c> for
/// ALU and jumps, <c>class | rval</c> for returns and <c>class | miscop</c> for MISC.
/// </summary>
public static class Opcodes
{
    // Instruction classes (low 3 bits).
    /// <summary>Load into A: <c>ld</c>, <c>ldh</c>, <c>ldb</c>.</summary>
    public const ushort Ld = 0x00;
    /// <summary>Load into X: <c>ldx</c>, <c>ldxb 4*([k]&amp;0xf)</c>.</summary>
    public const ushort Ldx = 0x01;
    /// <summary>Store A into scratch memory: <c>st M[k]</c>.</summary>
    public const ushort St = 0x02;
    /// <summary>Store X into scratch memory: <c>stx M[k]</c>.</summary>
    public const ushort Stx = 0x03;
    /// <summary>Arithmetic on A: <c>add #k</c>, <c>and x</c>, <c>neg</c>.</summary>
    public const ushort Alu = 0x04;
    /// <summary>Jumps: <c>ja</c>, <c>jeq</c>, <c>jgt</c>, <c>jge</c>, <c>jset</c>.</summary>
    public const ushort Jmp = 0x05;
    /// <summary>Return: <c>ret #k</c>, <c>ret a</c>.</summary>
    public const ushort Ret = 0x06;
    /// <summary>Register transfers: <c>tax</c>, <c>txa</c>.</summary>
    public const ushort Misc = 0x07;

    // Load sizes.
    /// <summary>32-bit word.</summary>
    public const ushort W = 0x00;
    /// <summary>16-bit half word.</summary>
    public const ushort H = 0x08;
    /// <summary>Byte.</summary>
    public const ushort B = 0x10;

    // Load modes.
    /// <summary>Immediate: <c>ld #k</c>.</summary>
    public const ushort Imm = 0x00;
    /// <summary>Absolute packet offset: <c>ld [k]</c>.</summary>
    public const ushort Abs = 0x20;
    /// <summary>Indexed packet offset: <c>ld [x + k]</c>.</summary>
    public const ushort Ind = 0x40;
    /// <summary>Scratch memory: <c>ld M[k]</c>.</summary>
    public const ushort Mem = 0x60;
    /// <summary>Wire length: <c>ld #pktlen</c>.</summary>
    public const ushort Len = 0x80;
    /// <summary>IPv4 header length: <c>ldxb 4*([k]&amp;0xf)</c>.</summary>
    public const ushort Msh = 0xa0;

    // ALU operations.
    /// <summary><c>add</c></summary>
    public const ushort Add = 0x00;
    /// <summary><c>sub</c></summary>
    public const ushort Sub = 0x10;
    /// <summary><c>mul</c></summary>
    public const ushort Mul = 0x20;
    /// <summary><c>div</c></summary>
    public const ushort Div = 0x30;
    /// <summary><c>or</c></summary>
    public const ushort Or = 0x40;
    /// <summary><c>and</c></summary>
    public const ushort And = 0x50;
    /// <summary><c>lsh</c></summary>
    public const ushort Lsh = 0x60;
    /// <summary><c>rsh</c></summary>
    public const ushort Rsh = 0x70;
    /// <summary><c>neg</c></summary>
    public const ushort Neg = 0x80;
    /// <summary><c>mod</c></summary>
    public const ushort Mod = 0x90;
    /// <summary><c>xor</c></summary>
    public const ushort Xor = 0xa0;

    // Jump operations.
    /// <summary><c>ja k</c>: unconditional, k instructions forward.</summary>
    public const ushort Ja = 0x00;
    /// <summary><c>jeq</c>: A == operand.</summary>
    public const ushort Jeq = 0x10;
    /// <summary><c>jgt</c>: A &gt; operand (unsigned).</summary>
    public const ushort Jgt = 0x20;
    /// <summary><c>jge</c>: A &gt;= operand (unsigned).</summary>
    public const ushort Jge = 0x30;
    /// <summary><c>jset</c>: (A &amp; operand) != 0.</summary>
    public const ushort Jset = 0x40;

    // Operand sources.
    /// <summary>Operand is the constant k.</summary>
    public const ushort K = 0x00;
    /// <summary>Operand is the X register.</summary>
    public const ushort X = 0x08;

    // Return values.
    /// <summary><c>ret a</c>.</summary>
    public const ushort RetA = 0x10;

    // MISC operations.
    /// <summary><c>tax</c>: X = A.</summary>
    public const ushort Tax = 0x00;
    /// <summary><c>txa</c>: A = X.</summary>
    public const ushort Txa = 0x80;

    /// <summary>Number of scratch memory cells (<c>BPF_MEMWORDS</c>).</summary>
    public const int MemWords = 16;

    /// <summary>The class bits of an opcode.</summary>
    public static ushort ClassOf(ushort code) => (ushort)(code & 0x07);

    /// <summary>The size bits of a load opcode.</summary>
    public static ushort SizeOf(ushort code) => (ushort)(code & 0x18);

    /// <summary>The mode bits of a load/store opcode.</summary>
    public static ushort ModeOf(ushort code) => (ushort)(code & 0xe0);

    /// <summary>The operation bits of an ALU or jump opcode.</summary>
    public static ushort OpOf(ushort code) => (ushort)(code & 0xf0);

    /// <summary>The source bit (<see cref="K"/> or <see cref="X"/>) of an ALU or jump opcode.</summary>
    public static ushort SrcOf(ushort code) => (ushort)(code & 0x08);

    /// <summary>The return-value bits of a RET opcode (<c>BPF_RVAL</c>).</summary>
    public static ushort RvalOf(ushort code) => (ushort)(code & 0x18);

    /// <summary>The MISC operation bits (<c>BPF_MISCOP</c>).</summary>
    public static ushort MiscOpOf(ushort code) => (ushort)(code & 0xf8);
}
