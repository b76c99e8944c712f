namespace Bpf.Vm;

/// <summary>
/// Linux's classic BPF checks (net/core/filter.c): <c>bpf_check_basics_ok</c>, <c>bpf_check_classic</c>
/// with <c>chk_code_allowed</c> and <c>bpf_anc_helper</c>, then <c>check_load_and_stores</c>.
/// </summary>
internal static class KernelRules
{
    /// <summary><c>BPF_MAXINSNS</c>.</summary>
    public const int MaxInstructions = 4096;

    public static void Check(ReadOnlySpan<Instruction> program, List<ValidationDiagnostic> diagnostics)
    {
        if (program.Length == 0)
        {
            diagnostics.Add(new ValidationDiagnostic(ValidationErrorKind.EmptyProgram, -1, "the program has no instructions"));
            return;
        }
        if (program.Length > MaxInstructions)
            diagnostics.Add(new ValidationDiagnostic(ValidationErrorKind.TooManyInstructions, -1,
                $"the program has {program.Length} instructions; the kernel allows at most {MaxInstructions}"));
        for (var i = 0; i < program.Length; i++)
        {
            if (CheckInstruction(program[i], i, program.Length) is { } diagnostic)
                diagnostics.Add(diagnostic);
        }
        var last = program[^1];
        if (last.Code is not (Opcodes.Ret | Opcodes.K) and not (Opcodes.Ret | Opcodes.RetA))
            diagnostics.Add(BpfValidator.At(ValidationErrorKind.MissingFinalReturn, program.Length - 1, last, "the last instruction must be a return"));
        // The kernel runs the scratch-memory pass only on programs that passed everything else,
        // which also guarantees every jump target is inside the program.
        if (diagnostics.Count == 0 && ScratchMemoryCheck.FirstReadBeforeWrite(program) is { } unwritten)
            diagnostics.Add(BpfValidator.At(ValidationErrorKind.ScratchReadBeforeWrite, unwritten, program[unwritten],
                $"M[{program[unwritten].K}] may be read before anything is stored in it"));
    }

    private static ValidationDiagnostic? CheckInstruction(Instruction insn, int index, int length)
    {
        if (!ExecutableOpcodes.Contains(insn.Code))
            return BpfValidator.At(ValidationErrorKind.UnknownOpcode, index, insn, $"opcode 0x{insn.Code:x} is not allowed by the kernel");
        switch (insn.Code)
        {
            case Opcodes.Alu | Opcodes.Div | Opcodes.K or Opcodes.Alu | Opcodes.Mod | Opcodes.K when insn.K == 0:
                return BpfValidator.At(ValidationErrorKind.DivisionByZero, index, insn, "division by the constant 0");
            case Opcodes.Alu | Opcodes.Lsh | Opcodes.K or Opcodes.Alu | Opcodes.Rsh | Opcodes.K when insn.K >= 32:
                return BpfValidator.At(ValidationErrorKind.ShiftTooLarge, index, insn, $"shift by {insn.K} is not below 32");
            case Opcodes.Ld | Opcodes.Mem or Opcodes.Ldx | Opcodes.Mem or Opcodes.St or Opcodes.Stx when insn.K >= Opcodes.MemWords:
                return BpfValidator.At(ValidationErrorKind.InvalidScratchIndex, index, insn, $"scratch index {insn.K} is not below {Opcodes.MemWords}");
            case Opcodes.Jmp | Opcodes.Ja when insn.K >= (uint)(length - index - 1):
                // Offsets of 2^31 and more are the negative ones libpcap lets through.
                return insn.K >= 0x80000000u
                    ? BpfValidator.At(ValidationErrorKind.BackwardJump, index, insn, "the kernel allows forward jumps only")
                    : BpfValidator.At(ValidationErrorKind.JumpOutOfRange, index, insn, $"ja offset {insn.K} leaves the {length}-instruction program");
            case Opcodes.Ld | Opcodes.W | Opcodes.Abs or Opcodes.Ld | Opcodes.H | Opcodes.Abs or Opcodes.Ld | Opcodes.B | Opcodes.Abs
                when insn.K >= AncillaryOffsets.AdOffset && !AncillaryOffsets.IsKnown(insn.K):
                return BpfValidator.At(ValidationErrorKind.UnknownAncillaryLoad, index, insn,
                    $"offset 0x{insn.K:x} is at or above SKF_AD_OFF but is no known ancillary field");
            default:
                if (insn.IsConditionalJump && (index + insn.Jt + 1 >= length || index + insn.Jf + 1 >= length))
                    return BpfValidator.At(ValidationErrorKind.JumpOutOfRange, index, insn, $"jt {insn.Jt} or jf {insn.Jf} leaves the {length}-instruction program");
                return null;
        }
    }
}
