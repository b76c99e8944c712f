using Bpf.Testing;
using FsCheck;
using FsCheck.Fluent;
using static Bpf.Jit.Tests.Asm;
using O = Bpf.Opcodes;

namespace Bpf.Jit.Tests;

public class BpfJitTests
{
    public static TheoryData<string, Instruction[]> InvalidPrograms() => new()
    {
        { "empty", [] },
        { "last instruction not a return", [LdImm(1)] },
        { "jump past the end", [JK(O.Jeq, 0, 1, 0), RetK(1)] },
        { "ja past the end", [Ja(1), RetK(1)] },
        { "backward ja before the start", [Ja(-2), RetK(1)] },
        { "scratch index 16", [LdMem(16), RetA()] },
        { "store index 16", [St(16), RetA()] },
        { "division by constant 0", [AluK(O.Div, 0), RetA()] },
        { "modulo by constant 0", [AluK(O.Mod, 0), RetA()] },
        { "unknown class bits in ld", [Instruction.Stmt(O.Ld | O.H | O.Imm, 1), RetA()] },
        { "ldx [k]", [Instruction.Stmt(O.Ldx | O.W | O.Abs, 1), RetA()] },
        { "neg x", [Instruction.Stmt(O.Alu | O.Neg | O.X), RetA()] },
        { "ret x", [Instruction.Stmt(O.Ret | O.X)] },
        { "unknown misc op", [Instruction.Stmt(O.Misc | 0x40), RetA()] },
        { "opcode above 0xff", [Instruction.Stmt(0x104), RetA()] },
    };

    [Theory]
    [MemberData(nameof(InvalidPrograms))]
    public void Compile_InvalidProgram_ThrowsArgumentException(string reason, Instruction[] program)
    {
        var error = Assert.Throws<ArgumentException>(() => BpfJit.Compile(new BpfProgram(program)));
        Assert.Contains("instruction", error.Message);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void Compile_Null_Throws() => Assert.Throws<ArgumentNullException>(() => BpfJit.Compile(null!));

    [Fact]
    public void IsSupported_OnThisRuntime() => Assert.True(BpfJit.IsSupported);

    [Fact]
    public void Run_AllocatesNothingPerPacket()
    {
        var filter = BpfJit.Compile(new BpfProgram(
            [LdxImm(2), LdInd(O.H, 0), St(3), LdAbs(O.W, 0), LdxMem(3), AluX(O.Div), JK(O.Jgt, 1, 0, 1), RetK(96), RetA()]));
        var packet = new byte[] { 0, 0, 0, 9, 0, 0 };
        filter(packet, 6);
        var before = GC.GetAllocatedBytesForCurrentThread();
        uint sum = 0;
        for (var i = 0; i < 1000; i++)
            sum += filter(packet, 6);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1000u, sum);
    }

    [Fact]
    public void Run_WorksOnStackMemory()
    {
        var filter = BpfJit.Compile(new BpfProgram([LdAbs(O.H, 1), RetA()]));
        Span<byte> packet = stackalloc byte[] { 1, 2, 3 };
        Assert.Equal(0x0203u, filter(packet, 3));
    }

    // Random programs over the executable opcodes, with jump offsets that sometimes leave the
    // program: our checks accept exactly what libpcap's bpf_validate accepts.
    [LibpcapProperty(MaxTest = 2000)]
    public Property Validation_AgreesWithBpfValidate() =>
        Prop.ForAll(AnyJumps.ToArbitrary(), program =>
            (ProgramChecks.FindError(program) is null) == Libpcap.Validate(program));

    private static Gen<Instruction[]> AnyJumps { get; } =
        Gen.Choose(0, 12).SelectMany(length => Gen.Frequency(
                (4, ProgramGen.Straight()),
                (1, ProgramGen.Return),
                (1, Gen.Choose(0, 15).Two().Zip(Gen.Elements<ushort>(O.Jeq, O.Jgt, O.Jset),
                    (j, op) => JK(op, 0, (byte)j.Item1, (byte)j.Item2))),
                (1, Gen.Choose(-14, 14).Select(Ja)),
                (1, Gen.Choose(14, 18).Select(k => LdMem((uint)k))),
                (1, Gen.Elements<ushort>(O.Div, O.Mod).Select(op => AluK(op, 0))))
            .ArrayOf(length));
}
