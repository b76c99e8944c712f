namespace Bpf.Jit;

/// <summary>
/// libpcap's <c>bpf_validate</c> rules, checked once before compiling, plus one stricter rule:
/// every opcode must be one <c>bpf_filter</c> executes (libpcap's validator checks classes and
/// modes only, and its interpreter aborts on the rest).
/// </summary>
internal static class ProgramChecks
{
    /// <summary>Null when <paramref name="program"/> is valid, else the first problem and its index.</summary>
    public static (int Index, string Message)? FindError(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0)
            return (0, "the program is empty");
        for (var i = 0; i < program.Length; i++)
        {
            var error = Check(program[i], i, program.Length);
            if (error is not null)
                return (i, error);
        }
        return program[^1].IsReturn ? null : (program.Length - 1, "the last instruction is not a return");
    }

    /// <summary>Throws when <paramref name="program"/> is not valid.</summary>
    /// <exception cref="ArgumentException">The program breaks a validation rule.</exception>
    public static void Validate(ReadOnlySpan<Instruction> program)
    {
        if (FindError(program) is { } error)
            throw new ArgumentException($"invalid BPF program at instruction {error.Index}: {error.Message}", nameof(program));
    }

    private static string? Check(Instruction insn, int index, int length)
    {
        if (!IsExecutable(insn.Code))
            return $"unknown opcode 0x{insn.Code:x}";
        var mode = Opcodes.ModeOf(insn.Code);
        var memory = insn.Class is Opcodes.St or Opcodes.Stx
            || (insn.Class is Opcodes.Ld or Opcodes.Ldx && mode == Opcodes.Mem);
        if (memory && insn.K >= Opcodes.MemWords)
            return $"scratch index {insn.K} is not below {Opcodes.MemWords}";
        if (insn.Class == Opcodes.Alu && Opcodes.SrcOf(insn.Code) == Opcodes.K
            && Opcodes.OpOf(insn.Code) is Opcodes.Div or Opcodes.Mod && insn.K == 0)
            return "division or modulo by constant 0";
        if (insn.Class != Opcodes.Jmp)
            return null;
        // libpcap adds ja's k unsigned, so a backward jump (protochain) passes when it wraps in range.
        var from = (uint)index + 1;
        if (Opcodes.OpOf(insn.Code) == Opcodes.Ja)
            return unchecked(from + insn.K) >= (uint)length ? "jump target outside the program" : null;
        return from + insn.Jt >= (uint)length || from + insn.Jf >= (uint)length
            ? "jump target outside the program"
            : null;
    }

    // The exact opcodes of bpf_filter's switch.
    private static bool IsExecutable(ushort code) => Opcodes.ClassOf(code) switch
    {
        Opcodes.Ld => code is 0x00 or 0x20 or 0x28 or 0x30 or 0x40 or 0x48 or 0x50 or 0x60 or 0x80,
        Opcodes.Ldx => code is 0x01 or 0x61 or 0x81 or 0xb1,
        Opcodes.St or Opcodes.Stx => code is 0x02 or 0x03,
        Opcodes.Alu => code == (Opcodes.Alu | Opcodes.Neg)
            || (code <= 0xff && Opcodes.OpOf(code) != Opcodes.Neg && Opcodes.OpOf(code) <= Opcodes.Xor),
        Opcodes.Jmp => code == (Opcodes.Jmp | Opcodes.Ja)
            || (code <= 0xff && Opcodes.OpOf(code) is Opcodes.Jeq or Opcodes.Jgt or Opcodes.Jge or Opcodes.Jset),
        Opcodes.Ret => code is 0x06 or 0x16,
        _ => code is 0x07 or 0x87,
    };
}
