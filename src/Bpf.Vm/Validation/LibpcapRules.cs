namespace Bpf.Vm;

/// <summary>
/// libpcap 1.10.3's <c>bpf_validate</c> (bpf_filter.c, <c>pcap_validate_filter</c>). It looks only at
/// the class, mode and op fields, so it accepts opcodes that its own <c>bpf_filter</c> aborts on
/// (e.g. <c>0x08</c> or <c>0x106</c>); the interpreter rejects those separately.
/// </summary>
internal static class LibpcapRules
{
    public static void Check(ReadOnlySpan<Instruction> program, List<ValidationDiagnostic> diagnostics)
    {
        if (program.Length == 0)
        {
            diagnostics.Add(new ValidationDiagnostic(ValidationErrorKind.EmptyProgram, -1, "the program has no instructions"));
            return;
        }
        for (var i = 0; i < program.Length; i++)
        {
            if (CheckInstruction(program[i], i, program.Length) is { } diagnostic)
                diagnostics.Add(diagnostic);
        }
        var last = program[^1];
        if (last.Class != Opcodes.Ret)
            diagnostics.Add(BpfValidator.At(ValidationErrorKind.MissingFinalReturn, program.Length - 1, last, "the last instruction must be a return"));
    }

    /// <summary>Whether <see cref="Check"/> would find nothing, without allocating (diagnostics are only made for faults).</summary>
    /// <remarks>
    /// Every compile validates its program here: each instruction is one look-up of its opcode's rule
    /// (<see cref="RuleOf"/>, the rules <see cref="Check"/> applies) and at most one comparison, instead of
    /// the class/mode/op switches and a call per instruction.
    /// </remarks>
    public static bool IsValid(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0 || program[^1].Class != Opcodes.Ret)
            return false;
        var rules = s_rules;
        var length = (uint)program.Length;
        for (var i = 0; i < program.Length; i++)
        {
            var insn = program[i];
            var next = (uint)i + 1;
            var valid = (Rule)rules[insn.Code & 0xff] switch
            {
                Rule.Valid => true,
                Rule.Scratch => insn.K < Opcodes.MemWords,
                Rule.ConstantDivisor => insn.K != 0,
                Rule.Ja => unchecked(next + insn.K) < length,
                Rule.ConditionalJump => next + insn.Jt < length && next + insn.Jf < length,
                _ => false,
            };
            if (!valid)
                return false;
        }
        return true;
    }

    /// <summary>What libpcap checks of an instruction, by its opcode (class, mode, op and source are its low byte).</summary>
    private enum Rule : byte
    {
        Valid,
        Scratch,
        ConstantDivisor,
        Ja,
        ConditionalJump,
        UnknownLoadMode,
        UnknownAluOperation,
        UnknownJumpOperation,
    }

    private static readonly byte[] s_rules = BuildRules();

    private static byte[] BuildRules()
    {
        var rules = new byte[256];
        for (var code = 0; code < rules.Length; code++)
            rules[code] = (byte)RuleOf((ushort)code);
        return rules;
    }

    private static Rule RuleOf(ushort code)
    {
        switch (Opcodes.ClassOf(code))
        {
            case Opcodes.Ld:
            case Opcodes.Ldx:
                return Opcodes.ModeOf(code) switch
                {
                    Opcodes.Imm or Opcodes.Abs or Opcodes.Ind or Opcodes.Msh or Opcodes.Len => Rule.Valid,
                    Opcodes.Mem => Rule.Scratch,
                    _ => Rule.UnknownLoadMode,
                };
            case Opcodes.St:
            case Opcodes.Stx:
                return Rule.Scratch;
            case Opcodes.Alu:
                return Opcodes.OpOf(code) switch
                {
                    Opcodes.Add or Opcodes.Sub or Opcodes.Mul or Opcodes.Or or Opcodes.And or Opcodes.Xor
                        or Opcodes.Lsh or Opcodes.Rsh or Opcodes.Neg => Rule.Valid,
                    Opcodes.Div or Opcodes.Mod when Opcodes.SrcOf(code) == Opcodes.K => Rule.ConstantDivisor,
                    Opcodes.Div or Opcodes.Mod => Rule.Valid,
                    _ => Rule.UnknownAluOperation,
                };
            case Opcodes.Jmp:
                return Opcodes.OpOf(code) switch
                {
                    Opcodes.Ja => Rule.Ja,
                    Opcodes.Jeq or Opcodes.Jgt or Opcodes.Jge or Opcodes.Jset => Rule.ConditionalJump,
                    _ => Rule.UnknownJumpOperation,
                };
            default:
                // RET and MISC: libpcap checks nothing more.
                return Rule.Valid;
        }
    }

    private static ValidationDiagnostic? CheckInstruction(Instruction insn, int index, int length) =>
        (Rule)s_rules[insn.Code & 0xff] switch
        {
            Rule.Scratch => CheckScratch(insn, index),
            Rule.ConstantDivisor when insn.K == 0 =>
                BpfValidator.At(ValidationErrorKind.DivisionByZero, index, insn, "division by the constant 0"),
            Rule.Ja or Rule.ConditionalJump => CheckJump(insn, index, length),
            Rule.UnknownLoadMode => Unknown(insn, index, "load mode"),
            Rule.UnknownAluOperation => Unknown(insn, index, "ALU operation"),
            Rule.UnknownJumpOperation => Unknown(insn, index, "jump operation"),
            _ => null,
        };

    private static ValidationDiagnostic? CheckJump(Instruction insn, int index, int length)
    {
        // libpcap adds in unsigned arithmetic: a ja offset that wraps below 2^32 lands on an
        // earlier instruction and passes (protochain's loops rely on this).
        var from = (uint)index + 1;
        switch (Opcodes.OpOf(insn.Code))
        {
            case Opcodes.Ja:
                return unchecked(from + insn.K) >= (uint)length
                    ? BpfValidator.At(ValidationErrorKind.JumpOutOfRange, index, insn, $"ja offset {insn.K} leaves the {length}-instruction program")
                    : null;
            case Opcodes.Jeq or Opcodes.Jgt or Opcodes.Jge or Opcodes.Jset:
                return from + insn.Jt >= (uint)length || from + insn.Jf >= (uint)length
                    ? BpfValidator.At(ValidationErrorKind.JumpOutOfRange, index, insn, $"jt {insn.Jt} or jf {insn.Jf} leaves the {length}-instruction program")
                    : null;
            default:
                return Unknown(insn, index, "jump operation");
        }
    }

    private static ValidationDiagnostic? CheckScratch(Instruction insn, int index) =>
        insn.K >= Opcodes.MemWords
            ? BpfValidator.At(ValidationErrorKind.InvalidScratchIndex, index, insn, $"scratch index {insn.K} is not below {Opcodes.MemWords}")
            : null;

    private static ValidationDiagnostic Unknown(Instruction insn, int index, string field) =>
        BpfValidator.At(ValidationErrorKind.UnknownOpcode, index, insn, $"opcode 0x{insn.Code:x} has an unknown {field}");
}
