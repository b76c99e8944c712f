using System.Globalization;

namespace Bpf.Vm;

/// <summary>
/// A port of libpcap 1.10.3's <c>bpf_image</c>: the mnemonic and operand of one instruction as
/// <c>tcpdump -d</c> prints them. C's <c>%d</c> of an unsigned k prints it as a signed 32-bit value,
/// which is why several operands go through an <c>(int)</c> cast.
/// </summary>
internal static class InstructionImage
{
    /// <summary>The mnemonic libpcap prints for opcodes it does not know.</summary>
    public const string Unimplemented = "unimp";

    /// <summary>True when the listing prints <c>jt</c>/<c>jf</c> targets: class JMP with any op but JA.</summary>
    public static bool HasJumpTargets(ushort code) =>
        Opcodes.ClassOf(code) == Opcodes.Jmp && Opcodes.OpOf(code) != Opcodes.Ja;

    /// <summary>The whole listing line, without the newline (<c>(000) ldh      [12]</c>).</summary>
    public static string Format(Instruction insn, int index)
    {
        var (op, operand) = Describe(insn, index);
        var inv = CultureInfo.InvariantCulture;
        var number = index.ToString("000", inv);
        if (HasJumpTargets(insn.Code))
            return string.Create(inv, $"({number}) {op,-8} {operand,-16} jt {index + 1 + insn.Jt}\tjf {index + 1 + insn.Jf}");
        return string.Create(inv, $"({number}) {op,-8} {operand}");
    }

    /// <summary>The mnemonic and operand text of <paramref name="insn"/> at <paramref name="index"/>.</summary>
    public static (string Op, string Operand) Describe(Instruction insn, int index)
    {
        var k = insn.K;
        var signed = (int)k;
        var inv = CultureInfo.InvariantCulture;
        string Hex() => "#0x" + k.ToString("x", inv);
        string Dec() => "#" + signed.ToString(inv);
        string Mem() => "M[" + signed.ToString(inv) + "]";
        string Ind() => "[x + " + signed.ToString(inv) + "]";
        string Abs() => AncillaryOffsets.TryGetName(k, out var name) ? "[" + name + "]" : "[" + signed.ToString(inv) + "]";

        return insn.Code switch
        {
            Opcodes.Ret | Opcodes.K => ("ret", Dec()),
            Opcodes.Ret | Opcodes.RetA => ("ret", ""),
            Opcodes.Ld | Opcodes.W | Opcodes.Abs => ("ld", Abs()),
            Opcodes.Ld | Opcodes.H | Opcodes.Abs => ("ldh", Abs()),
            Opcodes.Ld | Opcodes.B | Opcodes.Abs => ("ldb", Abs()),
            Opcodes.Ld | Opcodes.W | Opcodes.Len => ("ld", "#pktlen"),
            Opcodes.Ld | Opcodes.W | Opcodes.Ind => ("ld", Ind()),
            Opcodes.Ld | Opcodes.H | Opcodes.Ind => ("ldh", Ind()),
            Opcodes.Ld | Opcodes.B | Opcodes.Ind => ("ldb", Ind()),
            Opcodes.Ld | Opcodes.Imm => ("ld", Hex()),
            Opcodes.Ldx | Opcodes.Imm => ("ldx", Hex()),
            Opcodes.Ldx | Opcodes.Msh | Opcodes.B => ("ldxb", "4*([" + signed.ToString(inv) + "]&0xf)"),
            Opcodes.Ld | Opcodes.Mem => ("ld", Mem()),
            Opcodes.Ldx | Opcodes.Mem => ("ldx", Mem()),
            Opcodes.St => ("st", Mem()),
            Opcodes.Stx => ("stx", Mem()),
            // n + 1 + k is computed in unsigned arithmetic and printed with %d.
            Opcodes.Jmp | Opcodes.Ja => ("ja", unchecked((int)((uint)index + 1 + k)).ToString(inv)),
            Opcodes.Jmp | Opcodes.Jgt | Opcodes.K => ("jgt", Hex()),
            Opcodes.Jmp | Opcodes.Jge | Opcodes.K => ("jge", Hex()),
            Opcodes.Jmp | Opcodes.Jeq | Opcodes.K => ("jeq", Hex()),
            Opcodes.Jmp | Opcodes.Jset | Opcodes.K => ("jset", Hex()),
            Opcodes.Jmp | Opcodes.Jgt | Opcodes.X => ("jgt", "x"),
            Opcodes.Jmp | Opcodes.Jge | Opcodes.X => ("jge", "x"),
            Opcodes.Jmp | Opcodes.Jeq | Opcodes.X => ("jeq", "x"),
            Opcodes.Jmp | Opcodes.Jset | Opcodes.X => ("jset", "x"),
            Opcodes.Alu | Opcodes.Add | Opcodes.X => ("add", "x"),
            Opcodes.Alu | Opcodes.Sub | Opcodes.X => ("sub", "x"),
            Opcodes.Alu | Opcodes.Mul | Opcodes.X => ("mul", "x"),
            Opcodes.Alu | Opcodes.Div | Opcodes.X => ("div", "x"),
            Opcodes.Alu | Opcodes.Mod | Opcodes.X => ("mod", "x"),
            Opcodes.Alu | Opcodes.And | Opcodes.X => ("and", "x"),
            Opcodes.Alu | Opcodes.Or | Opcodes.X => ("or", "x"),
            Opcodes.Alu | Opcodes.Xor | Opcodes.X => ("xor", "x"),
            Opcodes.Alu | Opcodes.Lsh | Opcodes.X => ("lsh", "x"),
            Opcodes.Alu | Opcodes.Rsh | Opcodes.X => ("rsh", "x"),
            Opcodes.Alu | Opcodes.Add | Opcodes.K => ("add", Dec()),
            Opcodes.Alu | Opcodes.Sub | Opcodes.K => ("sub", Dec()),
            Opcodes.Alu | Opcodes.Mul | Opcodes.K => ("mul", Dec()),
            Opcodes.Alu | Opcodes.Div | Opcodes.K => ("div", Dec()),
            Opcodes.Alu | Opcodes.Mod | Opcodes.K => ("mod", Dec()),
            Opcodes.Alu | Opcodes.And | Opcodes.K => ("and", Hex()),
            Opcodes.Alu | Opcodes.Or | Opcodes.K => ("or", Hex()),
            Opcodes.Alu | Opcodes.Xor | Opcodes.K => ("xor", Hex()),
            Opcodes.Alu | Opcodes.Lsh | Opcodes.K => ("lsh", Dec()),
            Opcodes.Alu | Opcodes.Rsh | Opcodes.K => ("rsh", Dec()),
            Opcodes.Alu | Opcodes.Neg => ("neg", ""),
            Opcodes.Misc | Opcodes.Tax => ("tax", ""),
            Opcodes.Misc | Opcodes.Txa => ("txa", ""),
            _ => (Unimplemented, "0x" + insn.Code.ToString("x", inv)),
        };
    }
}
