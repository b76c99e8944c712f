using Bpf.Testing;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using static Bpf.Jit.Tests.Asm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

public class BpfJitTests
{
    public static TheoryData<ValidationErrorKind, int, Instruction[]> InvalidPrograms() => new()
    {
        { ValidationErrorKind.EmptyProgram, -1, [] },
        { ValidationErrorKind.MissingFinalReturn, 0, [LdImm(1)] },
        { ValidationErrorKind.JumpOutOfRange, 0, [JK(O.Jeq, 0, 1, 0), RetK(1)] },
        { ValidationErrorKind.JumpOutOfRange, 0, [Ja(1), RetK(1)] },
        { ValidationErrorKind.JumpOutOfRange, 0, [Ja(-2), RetK(1)] },
        { ValidationErrorKind.InvalidScratchIndex, 0, [LdMem(16), RetA()] },
        { ValidationErrorKind.InvalidScratchIndex, 1, [LdImm(0), St(16), RetA()] },
        { ValidationErrorKind.DivisionByZero, 0, [AluK(O.Div, 0), RetA()] },
        { ValidationErrorKind.DivisionByZero, 0, [AluK(O.Mod, 0), RetA()] },
        // bpf_validate accepts these (it checks class and mode only) but bpf_filter aborts on them.
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(O.Ld | O.H | O.Imm, 1), RetA()] },
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(O.Ldx | O.W | O.Abs, 1), RetA()] },
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(O.Alu | O.Neg | O.X), RetA()] },
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(O.Ret | O.X)] },
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(O.Misc | 0x40), RetA()] },
        { ValidationErrorKind.UnknownOpcode, 0, [Instruction.Stmt(0x104), RetA()] },
        { ValidationErrorKind.UnknownOpcode, 1, [LdImm(2), Instruction.Stmt(0xff), RetK(1)] },
        // bpf_validate passes a ja that wraps to itself; bpf_filter would spin on it for ever.
        { ValidationErrorKind.JumpToItself, 1, [LdImm(2), Ja(-1), RetK(1)] },
    };

    [Theory]
    [MemberData(nameof(InvalidPrograms))]
    public void Compile_InvalidProgram_ThrowsWithKindAndIndex(ValidationErrorKind kind, int index, Instruction[] program)
    {
        var error = Assert.Throws<BpfValidationException>(() => BpfJit.Compile(new BpfProgram(program)));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(index, error.InstructionIndex);
    }

    [Fact]
    public void Compile_Null_Throws() => Assert.Throws<ArgumentNullException>(() => BpfJit.Compile((BpfProgram)null!));

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

    // The boundary of the shared loop limit: a run may take exactly MaxBackwardJumps backward jumps.
    // (The case table holds the endless loop; the boundary runs on the JIT only, for speed.)
    [Theory]
    [InlineData((uint)BpfSemantics.MaxBackwardJumps + 1, (uint)BpfSemantics.MaxBackwardJumps + 1)]
    [InlineData((uint)BpfSemantics.MaxBackwardJumps + 2, BpfSemantics.LoopLimitResult)]
    public void Run_BackwardJumpLimit_StopsOnlyPastTheLimit(uint iterations, uint expected)
    {
        // M[0] counts iterations; each one but the last ends with a backward ja.
        var filter = BpfJit.Compile(new BpfProgram(
            [LdImm(0), St(0), LdMem(0), AluK(O.Add, 1), St(0), JK(O.Jge, iterations, 1, 0), Ja(-5), RetA()]));
        Assert.Equal(expected, filter([], 0));
    }

    [Fact]
    public void Run_WorksOnStackMemory()
    {
        var filter = BpfJit.Compile(new BpfProgram([LdAbs(O.H, 1), RetA()]));
        Span<byte> packet = stackalloc byte[] { 1, 2, 3 };
        Assert.Equal(0x0203u, filter(packet, 3));
    }

    // Random programs over the executable opcodes, with jump offsets that sometimes leave the
    // program: the JIT compiles exactly what libpcap's bpf_validate accepts, but a ja to itself.
    [LibpcapProperty(MaxTest = 1000)]
    public Property Compile_AcceptsWhatBpfValidateAccepts() =>
        Prop.ForAll(AnyJumps.ToArbitrary(), program =>
            Compiles(program) == (Libpcap.Validate(program) && !program.Any(i => i.Code == (O.Jmp | O.Ja) && i.K == uint.MaxValue)));

    private static bool Compiles(Instruction[] program)
    {
        try
        {
            BpfJit.Compile(new BpfProgram(program));
            return true;
        }
        catch (BpfValidationException)
        {
            return false;
        }
    }

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
