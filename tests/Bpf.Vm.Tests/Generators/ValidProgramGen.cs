using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Vm.Tests.Generators;

/// <summary>
/// Programs that libpcap's validator accepts and that never read a scratch cell before writing it
/// (libpcap leaves M[] uninitialized, so such reads would make its result arbitrary), plus packets
/// around the offsets those programs load from.
/// </summary>
internal static class ValidProgramGen
{
    /// <summary>The largest captured length generated; load offsets cluster around the packet end.</summary>
    public const int MaxPacket = 72;

    private static readonly ushort[] s_codes = [.. InstructionGen.ExecutableCodes.Where(c => c is not (0x06 or 0x16))];

    /// <summary>Valid programs of 2 to 24 instructions with forward jumps and intermediate returns.</summary>
    public static Gen<BpfProgram> Program { get; } =
        from length in Gen.Choose(2, 24)
        from body in Gen.CollectToArray(Enumerable.Range(0, length - 1).Select(i => At(i, length)))
        from last in Return
        select Repair([.. body, last]);

    /// <summary>A captured packet of 0 to <see cref="MaxPacket"/> bytes and its wire length.</summary>
    public static Gen<(byte[] Data, uint WireLength)> Packet { get; } =
        from caplen in Gen.Frequency((3, Gen.Choose(0, MaxPacket)), (1, Gen.Choose(0, 16)))
        from data in Gen.ArrayOf(Gen.Frequency((3, ArbMap.Default.GeneratorFor<byte>()), (1, Gen.Elements<byte>(0, 0x0f, 0x45, 0x80, 0xff))), caplen)
        from wire in Gen.Frequency(
            (3, Gen.Choose(0, 1600).Select(extra => (uint)(caplen + extra))),
            (1, InstructionGen.Constant))
        select (data, wire);

    private static Gen<Instruction> Return { get; } = Gen.Frequency(
        (2, InstructionGen.Constant.Select(k => Instruction.Stmt(Opcodes.Ret | Opcodes.K, k))),
        (3, Gen.Constant(Instruction.Stmt(Opcodes.Ret | Opcodes.RetA))));

    // Load offsets near the end of generated packets, with the wrap-around edge values now and then.
    private static Gen<uint> Offset { get; } = Gen.Frequency(
        (6, Gen.Choose(0, MaxPacket + 4).Select(k => (uint)k)),
        (1, InstructionGen.Constant));

    private static Gen<Instruction> At(int index, int length)
    {
        var lastTarget = length - index - 2; // jt/jf/k of at most this land on an instruction
        return Gen.Frequency(
            (12, from code in Gen.Elements(s_codes)
                 from k in KFor(code)
                 from jt in Gen.Choose(0, lastTarget)
                 from jf in Gen.Choose(0, lastTarget)
                 select Fix(new Instruction(code, (byte)jt, (byte)jf, k), lastTarget)),
            (1, Return));
    }

    private static Gen<uint> KFor(ushort code) => Opcodes.ClassOf(code) switch
    {
        Opcodes.Ld or Opcodes.Ldx when Opcodes.ModeOf(code) is Opcodes.Mem => Gen.Choose(0, 15).Select(k => (uint)k),
        Opcodes.Ld or Opcodes.Ldx when Opcodes.ModeOf(code) is Opcodes.Abs or Opcodes.Ind or Opcodes.Msh => Offset,
        Opcodes.Ld or Opcodes.Ldx => Gen.Frequency((1, Offset), (1, InstructionGen.Constant)),
        Opcodes.St or Opcodes.Stx => Gen.Choose(0, 15).Select(k => (uint)k),
        _ => InstructionGen.Constant,
    };

    private static Instruction Fix(Instruction insn, int lastTarget)
    {
        if (insn.Code == (Opcodes.Jmp | Opcodes.Ja))
            return insn with { K = insn.K % (uint)(lastTarget + 1) };
        if (insn.Code is (Opcodes.Alu | Opcodes.Div | Opcodes.K) or (Opcodes.Alu | Opcodes.Mod | Opcodes.K) && insn.K == 0)
            return insn with { K = 1 };
        return insn;
    }

    // Turns every scratch read that some path reaches before a write into a store of that cell.
    private static BpfProgram Repair(Instruction[] program)
    {
        while (ScratchMemoryCheck.FirstReadBeforeWrite(program) is { } read)
            program[read] = program[read] with { Code = program[read].Code == (Opcodes.Ld | Opcodes.Mem) ? Opcodes.St : Opcodes.Stx };
        return new BpfProgram(program);
    }
}
