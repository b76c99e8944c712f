using System.Diagnostics;
using static Bpf.Vm.Opcodes;

namespace Bpf.Vm;

/// <summary>
/// Turns a validated program into the interpreter's <see cref="Step"/>s, once, so the run loop does not
/// decode opcodes, add relative offsets or re-derive facts per packet: jump targets become absolute,
/// loads that can never be in bounds become <see cref="StepOp.OutOfBounds"/>, and a packet load
/// followed by a conditional jump on a constant becomes one fused step.
/// </summary>
internal static class StepDecoder
{
    /// <summary>Decodes <paramref name="program"/> (validated, executable opcodes only), one step per instruction.</summary>
    public static Step[] Decode(ReadOnlySpan<Instruction> program)
    {
        var steps = new Step[program.Length];
        for (var i = 0; i < program.Length; i++)
            steps[i] = Single(program[i], i);
        // A load fused with the jump after it; the jump keeps its own step for other paths that reach it.
        for (var i = 0; i + 1 < program.Length; i++)
            if (Fused(steps[i].Op, program[i + 1]) is { } op && steps[i].Op != StepOp.OutOfBounds)
                steps[i] = new Step(op, program[i].K, program[i + 1].K, steps[i + 1].Jt, steps[i + 1].Jf);
        return steps;
    }

    private static Step Single(Instruction insn, int index)
    {
        var next = index + 1;
        var op = insn.Code switch
        {
            Ret | K => StepOp.RetK,
            Ret | RetA => StepOp.RetA,
            Ld | W | Abs => Absolute(StepOp.LdW, insn.K, 4),
            Ld | H | Abs => Absolute(StepOp.LdH, insn.K, 2),
            Ld | B | Abs => Absolute(StepOp.LdB, insn.K, 1),
            Ld | W | Ind => StepOp.LdWInd,
            Ld | H | Ind => StepOp.LdHInd,
            Ld | B | Ind => StepOp.LdBInd,
            Ld | W | Len => StepOp.LdLen,
            Ld | Imm => StepOp.LdImm,
            Ld | Mem => StepOp.LdMem,
            Ldx | Msh | B => Absolute(StepOp.LdxMsh, insn.K, 1),
            Ldx | W | Len => StepOp.LdxLen,
            Ldx | Imm => StepOp.LdxImm,
            Ldx | Mem => StepOp.LdxMem,
            St => StepOp.St,
            Stx => StepOp.Stx,
            Jmp | Ja => (int)insn.K < 0 ? StepOp.JaBack : StepOp.Ja,
            Jmp | Jeq | K => StepOp.JeqK,
            Jmp | Jgt | K => StepOp.JgtK,
            Jmp | Jge | K => StepOp.JgeK,
            Jmp | Jset | K => StepOp.JsetK,
            Jmp | Jeq | X => StepOp.JeqX,
            Jmp | Jgt | X => StepOp.JgtX,
            Jmp | Jge | X => StepOp.JgeX,
            Jmp | Jset | X => StepOp.JsetX,
            Alu | Add | X => StepOp.AddX,
            Alu | Sub | X => StepOp.SubX,
            Alu | Mul | X => StepOp.MulX,
            Alu | Div | X => StepOp.DivX,
            Alu | Mod | X => StepOp.ModX,
            Alu | And | X => StepOp.AndX,
            Alu | Or | X => StepOp.OrX,
            Alu | Xor | X => StepOp.XorX,
            Alu | Lsh | X => StepOp.LshX,
            Alu | Rsh | X => StepOp.RshX,
            Alu | Add | K => StepOp.AddK,
            Alu | Sub | K => StepOp.SubK,
            Alu | Mul | K => StepOp.MulK,
            Alu | Div | K => StepOp.DivK,
            Alu | Mod | K => StepOp.ModK,
            Alu | And | K => StepOp.AndK,
            Alu | Or | K => StepOp.OrK,
            Alu | Xor | K => StepOp.XorK,
            Alu | Lsh | K => StepOp.LshK,
            Alu | Rsh | K => StepOp.RshK,
            Alu | Neg => StepOp.Neg,
            Misc | Tax => StepOp.Tax,
            Misc | Txa => StepOp.Txa,
            // Unreachable: the interpreter admits executable opcodes only.
            _ => throw new UnreachableException($"opcode 0x{insn.Code:x} at {index}"),
        };
        if (op == StepOp.Ja || op == StepOp.JaBack)
            // libpcap adds k to the next index modulo 2^32; validated to land inside the program.
            return new Step(op, insn.K, 0, unchecked((int)((uint)next + insn.K)), 0);
        return new Step(op, insn.K, 0, next + insn.Jt, next + insn.Jf);
    }

    // No span is longer than int.MaxValue bytes: a load ending beyond that always fails.
    private static StepOp Absolute(StepOp op, uint k, uint size) =>
        (ulong)k + size > int.MaxValue ? StepOp.OutOfBounds : op;

    private static StepOp? Fused(StepOp load, Instruction jump)
    {
        if (Opcodes.ClassOf(jump.Code) != Jmp || Opcodes.SrcOf(jump.Code) != K)
            return null;
        var condition = Opcodes.OpOf(jump.Code);
        if (condition == Ja)
            return null;
        var index = condition switch { Jeq => 0, Jgt => 1, Jge => 2, _ => 3 };
        return load switch
        {
            StepOp.LdW => Nth(StepOp.LdWJeq, index),
            StepOp.LdH => Nth(StepOp.LdHJeq, index),
            StepOp.LdB => Nth(StepOp.LdBJeq, index),
            StepOp.LdHInd => Nth(StepOp.LdHIndJeq, index),
            StepOp.LdBInd when condition == Jeq => StepOp.LdBIndJeq,
            StepOp.LdBInd when condition == Jset => StepOp.LdBIndJset,
            _ => null,
        };
    }

    // The fused steps of one load come in the order eq, gt, ge, set.
    private static StepOp Nth(StepOp first, int index) => (StepOp)((int)first + index);
}
