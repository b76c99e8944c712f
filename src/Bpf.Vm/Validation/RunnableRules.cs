namespace Bpf.Vm;

/// <summary>
/// What an engine can run (<see cref="ValidationProfile.Runnable"/>): libpcap's <c>bpf_validate</c>, then
/// the two things it lets through that no engine can run: opcodes its own <c>bpf_filter</c> aborts on,
/// and a <c>ja</c> that wraps to itself, on which <c>bpf_filter</c> spins for ever.
/// </summary>
internal static class RunnableRules
{
    /// <summary>A <c>ja</c> with this offset jumps to itself (pc + 1 + k wraps to pc).</summary>
    private const uint JumpToItselfOffset = uint.MaxValue;

    public static void Check(ReadOnlySpan<Instruction> program, List<ValidationDiagnostic> diagnostics)
    {
        LibpcapRules.Check(program, diagnostics);
        // Usually none: no set (and no LINQ, compiled at run time in a ReadyToRun build) then.
        HashSet<int>? reported = null;
        foreach (var diagnostic in diagnostics)
            (reported ??= []).Add(diagnostic.InstructionIndex);
        var libpcapCount = diagnostics.Count;
        for (var i = 0; i < program.Length; i++)
        {
            var insn = program[i];
            // An instruction the libpcap rules already reject is reported once, by them.
            if (reported is not null && reported.Contains(i))
                continue;
            if (!ExecutableOpcodes.Contains(insn.Code))
                diagnostics.Add(BpfValidator.At(ValidationErrorKind.UnknownOpcode, i, insn,
                    $"opcode 0x{insn.Code:x} passes bpf_validate but no engine executes it (bpf_filter aborts on it)"));
            else if (insn.Code == (Opcodes.Jmp | Opcodes.Ja) && insn.K == JumpToItselfOffset)
                diagnostics.Add(BpfValidator.At(ValidationErrorKind.JumpToItself, i, insn, "the jump lands on itself and never ends"));
        }
        if (diagnostics.Count > libpcapCount && libpcapCount > 0)
        {
            // In instruction order, as every profile reports (a stable sort: the whole-program ones first).
            var ordered = diagnostics.OrderBy(d => d.InstructionIndex).ToList();
            diagnostics.Clear();
            diagnostics.AddRange(ordered);
        }
    }
}
