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
    public static bool IsValid(ReadOnlySpan<Instruction> program)
    {
        if (program.Length == 0 || program[^1].Class != Opcodes.Ret)
            return false;
        for (var i = 0; i < program.Length; i++)
        {
            if (CheckInstruction(program[i], i, program.Length) is not null)
                return false;
        }
        return true;
    }

    private static ValidationDiagnostic? CheckInstruction(Instruction insn, int index, int length)
    {
        var code = insn.Code;
        switch (Opcodes.ClassOf(code))
        {
            case Opcodes.Ld:
            case Opcodes.Ldx:
                return Opcodes.ModeOf(code) switch
                {
                    Opcodes.Imm or Opcodes.Abs or Opcodes.Ind or Opcodes.Msh or Opcodes.Len => null,
                    Opcodes.Mem => CheckScratch(insn, index),
                    _ => Unknown(insn, index, "load mode"),
                };
            case Opcodes.St:
            case Opcodes.Stx:
                return CheckScratch(insn, index);
            case Opcodes.Alu:
                return Opcodes.OpOf(code) switch
                {
                    Opcodes.Add or Opcodes.Sub or Opcodes.Mul or Opcodes.Or or Opcodes.And or Opcodes.Xor
                        or Opcodes.Lsh or Opcodes.Rsh or Opcodes.Neg => null,
                    Opcodes.Div or Opcodes.Mod when Opcodes.SrcOf(code) == Opcodes.K && insn.K == 0 =>
                        BpfValidator.At(ValidationErrorKind.DivisionByZero, index, insn, "division by the constant 0"),
                    Opcodes.Div or Opcodes.Mod => null,
                    _ => Unknown(insn, index, "ALU operation"),
                };
            case Opcodes.Jmp:
                return CheckJump(insn, index, length);
            default:
                // RET and MISC: libpcap checks nothing more.
                return null;
        }
    }

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
