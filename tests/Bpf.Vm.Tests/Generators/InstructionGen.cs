using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Vm.Tests.Generators;

/// <summary>FsCheck generators for single instructions and arbitrary (not necessarily valid) programs.</summary>
internal static class InstructionGen
{
    /// <summary>Every opcode libpcap's <c>bpf_filter</c> executes (the kernel's allowed set too).</summary>
    public static readonly ushort[] ExecutableCodes =
    [
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x14, 0x15, 0x16, 0x1c, 0x1d, 0x20, 0x24, 0x25, 0x28,
        0x2c, 0x2d, 0x30, 0x34, 0x35, 0x3c, 0x3d, 0x40, 0x44, 0x45, 0x48, 0x4c, 0x4d, 0x50, 0x54, 0x5c, 0x60, 0x61,
        0x64, 0x6c, 0x74, 0x7c, 0x80, 0x81, 0x84, 0x87, 0x94, 0x9c, 0xa4, 0xac, 0xb1,
    ];

    /// <summary>Constants at the edges of every rule: zero, shift widths, scratch size, sign bits, ancillary offsets.</summary>
    public static readonly uint[] EdgeConstants =
    [
        0, 1, 2, 3, 4, 7, 8, 12, 14, 15, 16, 17, 31, 32, 33, 63, 64, 255, 256, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
        0xfffff000, 0xfffff004, 0xfffff02c, 0xfffff030, 0xfffff03c, 0xfffff040, 0xfffff001, 0xffffefff, 0xfff00000, 0xffe00000,
    ];

    /// <summary>k: mostly edge constants and small numbers, sometimes any 32-bit value.</summary>
    public static Gen<uint> Constant { get; } = Gen.Frequency(
        (4, Gen.Elements(EdgeConstants)),
        (3, Gen.Choose(0, 80).Select(i => (uint)i)),
        (2, ArbMap.Default.GeneratorFor<uint>()));

    /// <summary>Opcodes: mostly executable ones, some any byte, a few any 16-bit value.</summary>
    public static Gen<ushort> Code { get; } = Gen.Frequency(
        (8, Gen.Elements(ExecutableCodes)),
        (2, Gen.Choose(0, 0xff).Select(i => (ushort)i)),
        (1, Gen.Choose(0, 0xffff).Select(i => (ushort)i)));

    /// <summary>Any instruction: every field random, biased toward meaningful values.</summary>
    public static Gen<Instruction> Any { get; } =
        from code in Code
        from jt in Gen.Frequency((3, Gen.Choose(0, 6)), (1, Gen.Choose(0, 255)))
        from jf in Gen.Frequency((3, Gen.Choose(0, 6)), (1, Gen.Choose(0, 255)))
        from k in Constant
        select new Instruction(code, (byte)jt, (byte)jf, k);

    /// <summary>Arbitrary programs of 0 to 40 instructions.</summary>
    public static Gen<BpfProgram> AnyProgram { get; } =
        from length in Gen.Choose(0, 40)
        from insns in Gen.ArrayOf(Any, length)
        select new BpfProgram(insns);

    /// <summary>
    /// Programs whose fields the listing does not print are zero, as libpcap's compiler leaves them:
    /// these survive a round trip through the <c>-d</c> listing.
    /// </summary>
    public static Gen<BpfProgram> CanonicalProgram { get; } = AnyProgram.Select(p => new BpfProgram(p.Select(Canonical)));

    /// <summary>Zeroes the fields <c>bpf_image</c> does not print.</summary>
    public static Instruction Canonical(Instruction insn)
    {
        var (op, operand) = InstructionImage.Describe(insn, 0);
        var printsK = op != InstructionImage.Unimplemented && operand.Length > 0 && operand is not ("x" or "#pktlen");
        var k = printsK ? insn.K : 0;
        return InstructionImage.HasJumpTargets(insn.Code) ? insn with { K = k } : new Instruction(insn.Code, 0, 0, k);
    }
}
