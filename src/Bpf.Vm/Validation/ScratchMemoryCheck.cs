namespace Bpf.Vm;

/// <summary>
/// The kernel's <c>check_load_and_stores</c>: one pass in instruction order carrying a 16-bit mask of
/// scratch cells known to be written. A jump ANDs the mask into its targets' masks and resets the
/// running mask to "all written" (the next instruction is reached only through some jump's mask).
/// After a return the running mask is not reset, exactly as in the kernel, which is conservative.
/// </summary>
internal static class ScratchMemoryCheck
{
    /// <summary>The index of the first scratch load that may read an unwritten cell, or null. Jumps must be in range.</summary>
    public static int? FirstReadBeforeWrite(ReadOnlySpan<Instruction> program)
    {
        Span<ushort> masks = program.Length <= 512 ? stackalloc ushort[program.Length] : new ushort[program.Length];
        masks.Fill(0xffff);
        ushort valid = 0;
        for (var pc = 0; pc < program.Length; pc++)
        {
            var insn = program[pc];
            valid &= masks[pc];
            switch (insn.Code)
            {
                case Opcodes.St or Opcodes.Stx:
                    valid |= (ushort)(1 << (int)insn.K);
                    break;
                case Opcodes.Ld | Opcodes.Mem or Opcodes.Ldx | Opcodes.Mem:
                    if ((valid & (1 << (int)insn.K)) == 0)
                        return pc;
                    break;
                case Opcodes.Jmp | Opcodes.Ja:
                    masks[pc + 1 + (int)insn.K] &= valid;
                    valid = 0xffff;
                    break;
                default:
                    if (insn.IsConditionalJump)
                    {
                        masks[pc + 1 + insn.Jt] &= valid;
                        masks[pc + 1 + insn.Jf] &= valid;
                        valid = 0xffff;
                    }
                    break;
            }
        }
        return null;
    }
}
