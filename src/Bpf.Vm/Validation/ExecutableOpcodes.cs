namespace Bpf.Vm;

/// <summary>
/// The opcodes that libpcap's <c>bpf_filter</c> executes, which are exactly those Linux's
/// <c>chk_code_allowed</c> accepts: 49 of the 65536 possible values.
/// </summary>
public static class ExecutableOpcodes
{
    private static readonly bool[] s_allowed = Build();

    private static bool[] Build()
    {
        var allowed = new bool[0x100];
        ushort[] codes =
        [
            Opcodes.Ld | Opcodes.W | Opcodes.Abs, Opcodes.Ld | Opcodes.H | Opcodes.Abs, Opcodes.Ld | Opcodes.B | Opcodes.Abs,
            Opcodes.Ld | Opcodes.W | Opcodes.Ind, Opcodes.Ld | Opcodes.H | Opcodes.Ind, Opcodes.Ld | Opcodes.B | Opcodes.Ind,
            Opcodes.Ld | Opcodes.W | Opcodes.Len, Opcodes.Ldx | Opcodes.W | Opcodes.Len,
            Opcodes.Ld | Opcodes.Imm, Opcodes.Ldx | Opcodes.Imm, Opcodes.Ld | Opcodes.Mem, Opcodes.Ldx | Opcodes.Mem,
            Opcodes.Ldx | Opcodes.Msh | Opcodes.B, Opcodes.St, Opcodes.Stx,
            Opcodes.Ret | Opcodes.K, Opcodes.Ret | Opcodes.RetA, Opcodes.Misc | Opcodes.Tax, Opcodes.Misc | Opcodes.Txa,
            Opcodes.Alu | Opcodes.Neg, Opcodes.Jmp | Opcodes.Ja,
        ];
        foreach (var code in codes)
            allowed[code] = true;
        foreach (var op in new[] { Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Mod, Opcodes.And, Opcodes.Or, Opcodes.Xor, Opcodes.Lsh, Opcodes.Rsh })
            allowed[Opcodes.Alu | op | Opcodes.K] = allowed[Opcodes.Alu | op | Opcodes.X] = true;
        foreach (var op in new[] { Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset })
            allowed[Opcodes.Jmp | op | Opcodes.K] = allowed[Opcodes.Jmp | op | Opcodes.X] = true;
        return allowed;
    }

    /// <summary>True when <paramref name="code"/> is one of the executable opcodes.</summary>
    public static bool Contains(ushort code) => code < s_allowed.Length && s_allowed[code];
}
