using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>
/// Protochain-style programs: a loop closed by a backward <c>ja</c> (which libpcap's validator lets
/// through by unsigned wrap-around), whose body walks the packet through X. A counter in M[15], which
/// nothing else in the loop touches, bounds the loop so every program terminates.
/// </summary>
internal static class LoopProgramGen
{
    /// <summary>prefix; counter = 0; loop: body; if (++counter &gt;= n) goto tail; ja loop; tail.</summary>
    public static Gen<Instruction[]> Program { get; } =
        from prefixLength in Gen.Choose(0, 5)
        from bodyLength in Gen.Choose(1, 12)
        from tailLength in Gen.Choose(1, 10)
        from iterations in Gen.Choose(1, 8)
        from prefix in Gen.ArrayOf(ProgramGen.Straight(mayUseCell15: false), prefixLength)
        let loop = prefixLength + 2
        let counter = loop + bodyLength
        from body in Gen.CollectToArray(Enumerable.Range(loop, bodyLength), i => Gen.Frequency(
            (6, ProgramGen.Straight(mayUseCell15: false)),
            // Body jumps stay in the body or land on the counter update, never inside it.
            (3, ProgramGen.ForwardJump(i, counter)),
            (1, ProgramGen.Return)))
        from tail in Gen.CollectToArray(Enumerable.Range(0, tailLength), i => i == tailLength - 1
            ? ProgramGen.Return
            : Gen.Frequency((3, ProgramGen.Straight()), (1, ProgramGen.ForwardJump(i, tailLength - 1))))
        select ProgramGen.ZeroScratch(Assemble(prefix, body, tail, loop, counter, (uint)iterations));

    private static Instruction[] Assemble(Instruction[] prefix, Instruction[] body, Instruction[] tail, int loop, int counter, uint iterations)
    {
        var backJump = counter + 4;
        Instruction[] counterUpdate =
        [
            Instruction.Stmt(O.Ld | O.Mem, 15),
            Instruction.Stmt(O.Alu | O.Add | O.K, 1),
            Instruction.Stmt(O.St, 15),
            Instruction.Jump(O.Jmp | O.Jge | O.K, iterations, 1, 0),
            Instruction.Stmt(O.Jmp | O.Ja, unchecked((uint)(loop - (backJump + 1)))),
        ];
        return [.. prefix, Instruction.Stmt(O.Ld | O.Imm, 0), Instruction.Stmt(O.St, 15), .. body, .. counterUpdate, .. tail];
    }

    /// <summary>Runs of loop programs over random, possibly truncated packets.</summary>
    public static Arbitrary<ProgramRun> Runs { get; } =
        Program.Zip(ProgramGen.Packet, (p, k) => new ProgramRun(p, k.Packet, k.WireLength)).ToArbitrary();
}
