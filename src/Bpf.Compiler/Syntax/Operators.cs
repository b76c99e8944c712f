using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>Binary arithmetic operator in <c>arth</c> (the BPF ALU operation gen_arth receives).</summary>
internal enum ArithOperator
{
    /// <summary><c>a + b</c>.</summary>
    Add,
    /// <summary><c>a - b</c>.</summary>
    Subtract,
    /// <summary><c>a * b</c>.</summary>
    Multiply,
    /// <summary><c>a / b</c>.</summary>
    Divide,
    /// <summary><c>a % b</c>.</summary>
    Modulo,
    /// <summary><c>a &amp; b</c>.</summary>
    And,
    /// <summary><c>a | b</c>.</summary>
    Or,
    /// <summary><c>a ^ b</c>.</summary>
    Xor,
    /// <summary><c>a &lt;&lt; b</c>.</summary>
    LeftShift,
    /// <summary><c>a &gt;&gt; b</c>.</summary>
    RightShift,
}

/// <summary>
/// The jump test a relation compiles to. libpcap expresses <c>&lt;=</c>, <c>&lt;</c> and <c>!=</c>
/// as the reversed <c>&gt;</c>, <c>&gt;=</c> and <c>=</c>; nodes carry the test plus a Reversed flag.
/// </summary>
internal enum RelationTest
{
    /// <summary><c>&gt;</c> (reversed: <c>&lt;=</c>); BPF_JGT.</summary>
    Greater,
    /// <summary><c>&gt;=</c> (reversed: <c>&lt;</c>); BPF_JGE.</summary>
    GreaterOrEqual,
    /// <summary><c>=</c>, <c>==</c> (reversed: <c>!=</c>); BPF_JEQ.</summary>
    Equal,
}

/// <summary>The operator of <c>byte N op M</c> (gen_byteop).</summary>
internal enum ByteOperator
{
    /// <summary><c>byte 0 &amp; 1</c>: the bits are non-zero.</summary>
    And = '&',
    /// <summary><c>byte 0 | 1</c>: always true after the load (libpcap semantics).</summary>
    Or = '|',
    /// <summary><c>byte 0 &lt; 1</c>.</summary>
    Less = '<',
    /// <summary><c>byte 0 &gt; 1</c>.</summary>
    Greater = '>',
    /// <summary><c>byte 0 = 1</c>.</summary>
    Equal = '=',
}

/// <summary>SunATM circuit/cell abbreviations (libpcap's <c>A_*</c> values).</summary>
internal enum AtmAbbreviation
{
    /// <summary><c>metac</c> (gen_atmtype_abbrev).</summary>
    Metac = 22,
    /// <summary><c>bcc</c> (gen_atmtype_abbrev).</summary>
    Bcc = 23,
    /// <summary><c>oamf4sc</c> (gen_atmtype_abbrev).</summary>
    Oamf4Sc = 24,
    /// <summary><c>oamf4ec</c> (gen_atmtype_abbrev).</summary>
    Oamf4Ec = 25,
    /// <summary><c>sc</c> (gen_atmtype_abbrev).</summary>
    Sc = 26,
    /// <summary><c>ilmic</c> (gen_atmtype_abbrev).</summary>
    Ilmic = 27,
    /// <summary><c>oam</c> (gen_atmmulti_abbrev).</summary>
    Oam = 28,
    /// <summary><c>oamf4</c> (gen_atmmulti_abbrev).</summary>
    Oamf4 = 29,
    /// <summary><c>lane</c> (gen_atmtype_abbrev).</summary>
    Lane = 30,
    /// <summary><c>connectmsg</c> (gen_atmmulti_abbrev).</summary>
    ConnectMsg = 70,
    /// <summary><c>metaconnect</c> (gen_atmmulti_abbrev).</summary>
    MetaConnect = 71,
}

/// <summary>SunATM header fields (libpcap's <c>A_VPI</c>, <c>A_VCI</c>).</summary>
internal enum AtmField
{
    /// <summary><c>vpi</c>.</summary>
    Vpi = 51,
    /// <summary><c>vci</c>.</summary>
    Vci = 52,
}

/// <summary>MTP2 signal-unit types (libpcap's <c>M_FISU</c> ... <c>MH_MSU</c>).</summary>
internal enum Mtp2Type
{
    /// <summary><c>fisu</c>.</summary>
    Fisu = 22,
    /// <summary><c>lssu</c>, <c>lsu</c>.</summary>
    Lssu = 23,
    /// <summary><c>msu</c>.</summary>
    Msu = 24,
    /// <summary><c>hfisu</c>.</summary>
    HsFisu = 25,
    /// <summary><c>hlssu</c>.</summary>
    HsLssu = 26,
    /// <summary><c>hmsu</c>.</summary>
    HsMsu = 27,
}

/// <summary>MTP3 fields (libpcap's <c>M_SIO</c> ... <c>MH_SLS</c>).</summary>
internal enum Mtp3Field
{
    /// <summary><c>sio</c>.</summary>
    Sio = 1,
    /// <summary><c>opc</c>.</summary>
    Opc = 2,
    /// <summary><c>dpc</c>.</summary>
    Dpc = 3,
    /// <summary><c>sls</c>.</summary>
    Sls = 4,
    /// <summary><c>hsio</c>.</summary>
    HsSio = 5,
    /// <summary><c>hopc</c>.</summary>
    HsOpc = 6,
    /// <summary><c>hdpc</c>.</summary>
    HsDpc = 7,
    /// <summary><c>hsls</c>.</summary>
    HsSls = 8,
}
