using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Vm.Tests.Generators;

/// <summary>
/// Program generators shaped so that validators see both outcomes often: mostly executable opcodes,
/// jumps mostly in range, scratch indices around 16, a final return most of the time.
/// </summary>
internal static class ProgramGen
{
    private static readonly ushort[] s_scratch = [0x02, 0x03, 0x60, 0x61];

    /// <summary>Programs of 1 to 16 instructions that are valid about half the time.</summary>
    public static Gen<BpfProgram> NearlyValid { get; } =
        from length in Gen.Choose(1, 16)
        from insns in Gen.CollectToArray(Enumerable.Range(0, length).Select(i => NearlyValidAt(i, length)))
        select new BpfProgram(insns);

    /// <summary>Near-valid and arbitrary programs mixed.</summary>
    public static Gen<BpfProgram> Mixed { get; } = Gen.Frequency((5, NearlyValid), (1, InstructionGen.AnyProgram));

    private static Gen<Instruction> NearlyValidAt(int index, int length)
    {
        var remaining = length - index - 1;
        var insn =
            from code in Gen.Frequency((12, Gen.Elements(InstructionGen.ExecutableCodes)), (4, Gen.Elements(s_scratch)), (1, InstructionGen.Code))
            from jt in Gen.Frequency((10, Gen.Choose(0, remaining)), (1, Gen.Choose(0, 255)))
            from jf in Gen.Frequency((10, Gen.Choose(0, remaining)), (1, Gen.Choose(0, 255)))
            from k in KFor(code, index, remaining)
            select new Instruction(code, (byte)(jt & 0xff), (byte)(jf & 0xff), k);
        if (index < length - 1)
            return insn;
        var ret = Gen.Elements<ushort>(0x06, 0x16).SelectMany(code => InstructionGen.Constant.Select(k => new Instruction(code, 0, 0, k)));
        return Gen.Frequency<Instruction>((9, ret), (1, insn));
    }

    private static Gen<uint> KFor(ushort code, int index, int remaining)
    {
        if (Array.IndexOf(s_scratch, code) >= 0)
            return Gen.Frequency((8, Gen.Choose(0, 15).Select(k => (uint)k)), (1, Gen.Choose(16, 17).Select(k => (uint)k)), (1, InstructionGen.Constant));
        if (code == (Opcodes.Jmp | Opcodes.Ja))
            return Gen.Frequency(
                (6, Gen.Choose(0, remaining).Select(k => (uint)k)),
                (2, Gen.Choose(1, index + 2).Select(back => unchecked((uint)-back))),
                (1, InstructionGen.Constant));
        return InstructionGen.Constant;
    }
}
