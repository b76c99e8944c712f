using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Tests.Generators;
using Bpf.Vm.Tests.Oracles;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Vm.Tests;

public class ValidatorTests
{
    private static Instruction S(ushort code, uint k = 0) => Instruction.Stmt(code, k);
    private static Instruction J(ushort code, uint k, byte jt, byte jf) => Instruction.Jump(code, k, jt, jf);
    private static readonly Instruction RetK = S(0x06, 1);

    [LibpcapProperty(MaxTest = 4000)]
    public Property Validate_LibpcapProfile_AgreesWithBpfValidate() =>
        Prop.ForAll(ProgramGen.Mixed.ToArbitrary(), program =>
            BpfValidator.Validate(program, ValidationProfile.Libpcap).IsValid == Libpcap.Validate(program.AsSpan()));

    [Fact]
    public void LibpcapIsValid_EveryOpcode_AgreesWithCheck()
    {
        // IsValid (every compile's check) reads a table of rules; Check words the diagnostics: the two must agree.
        foreach (var k in new uint[] { 0, 1, 15, 16, 0xffffffff })
            foreach (var (jt, jf) in new (byte, byte)[] { (0, 0), (0, 1), (1, 0), (2, 2) })
                for (var code = 0; code <= ushort.MaxValue; code++)
                {
                    Instruction[] program = [J((ushort)code, k, jt, jf), RetK, RetK];
                    var diagnostics = new List<ValidationDiagnostic>();
                    LibpcapRules.Check(program, diagnostics);
                    Assert.True(LibpcapRules.IsValid(program) == (diagnostics.Count == 0), $"code 0x{code:x}, k {k}, jt {jt}, jf {jf}");
                }
    }

    [KernelProperty(MaxTest = 3000)]
    public Property Validate_KernelProfile_AgreesWithSoAttachFilter() =>
        Prop.ForAll(ProgramGen.Mixed.Where(p => p.Count > 0).ToArbitrary(), program =>
            BpfValidator.Validate(program, ValidationProfile.Kernel).IsValid == KernelFilter.Accepts(program.AsSpan()));

    [FsCheck.Xunit.Property(MaxTest = 2000)]
    public Property Validate_KernelAccepts_LibpcapAccepts() =>
        Prop.ForAll(ProgramGen.Mixed.ToArbitrary(), program =>
            !BpfValidator.Validate(program, ValidationProfile.Kernel).IsValid
            || BpfValidator.Validate(program, ValidationProfile.Libpcap).IsValid);

    public static TheoryData<Instruction[], ValidationErrorKind, int> LibpcapRejections => new()
    {
        { [], ValidationErrorKind.EmptyProgram, -1 },
        { [S(0xc0), RetK], ValidationErrorKind.UnknownOpcode, 0 },
        { [S(0xb4), RetK], ValidationErrorKind.UnknownOpcode, 0 },
        { [J(0x55, 0, 0, 0), RetK], ValidationErrorKind.UnknownOpcode, 0 },
        { [S(0x02, 16), RetK], ValidationErrorKind.InvalidScratchIndex, 0 },
        { [S(0x61, 0xffffffff), RetK], ValidationErrorKind.InvalidScratchIndex, 0 },
        { [S(0x34, 0), RetK], ValidationErrorKind.DivisionByZero, 0 },
        { [S(0x94, 0), RetK], ValidationErrorKind.DivisionByZero, 0 },
        { [J(0x15, 0, 1, 0), RetK], ValidationErrorKind.JumpOutOfRange, 0 },
        { [S(0x05, 1), RetK], ValidationErrorKind.JumpOutOfRange, 0 },
        { [RetK, S(0x05, 0xfffffffd)], ValidationErrorKind.JumpOutOfRange, 1 },
        { [S(0x00, 1)], ValidationErrorKind.MissingFinalReturn, 0 },
    };

    [Theory]
    [MemberData(nameof(LibpcapRejections))]
    public void Validate_LibpcapRule_ReportsKindAndIndex(Instruction[] program, ValidationErrorKind kind, int index)
    {
        var error = Assert.Throws<BpfValidationException>(() => BpfValidator.ThrowIfInvalid(new BpfProgram(program), ValidationProfile.Libpcap));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(index, error.InstructionIndex);
        Assert.False(BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Kernel).IsValid);
    }

    public static TheoryData<Instruction[], ValidationErrorKind, int> KernelOnlyRejections => new()
    {
        { [S(0x00), S(0x05, 1), S(0x05, 0xfffffffe), RetK], ValidationErrorKind.BackwardJump, 2 },
        { [S(0x64, 32), RetK], ValidationErrorKind.ShiftTooLarge, 0 },
        { [S(0x74, 0xffffffff), RetK], ValidationErrorKind.ShiftTooLarge, 0 },
        { [S(0x60, 3), RetK], ValidationErrorKind.ScratchReadBeforeWrite, 0 },
        { [J(0x15, 0, 0, 1), S(0x02, 3), S(0x61, 3), RetK], ValidationErrorKind.ScratchReadBeforeWrite, 2 },
        { [S(0x30, 0xfffff001), RetK], ValidationErrorKind.UnknownAncillaryLoad, 0 },
        { [S(0x20, 0xfffff040), RetK], ValidationErrorKind.UnknownAncillaryLoad, 0 },
        { [S(0x08), RetK], ValidationErrorKind.UnknownOpcode, 0 },
        { [S(0x0e)], ValidationErrorKind.UnknownOpcode, 0 },
        { [S(0x106)], ValidationErrorKind.UnknownOpcode, 0 },
        { [.. Enumerable.Repeat(RetK, 4097)], ValidationErrorKind.TooManyInstructions, -1 },
    };

    [Theory]
    [MemberData(nameof(KernelOnlyRejections))]
    public void Validate_KernelRule_ReportsKindAndIndex(Instruction[] program, ValidationErrorKind kind, int index)
    {
        var result = BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Kernel);
        Assert.False(result.IsValid);
        Assert.Equal(kind, result.Diagnostics[0].Kind);
        Assert.Equal(index, result.Diagnostics[0].InstructionIndex);
        Assert.True(BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Libpcap).IsValid);
    }

    [KernelTheory]
    [MemberData(nameof(KernelOnlyRejections))]
    public void Validate_KernelRule_KernelRejectsToo(Instruction[] program, ValidationErrorKind kind, int index)
    {
        _ = (kind, index);
        Assert.False(KernelFilter.Accepts(program));
    }

    public static TheoryData<Instruction[]> KernelAcceptances => new()
    {
        { [S(0x30, 0xfffff030), S(0x20, 0xfffff000), S(0x28, 0xfffff03c), RetK] },
        { [S(0x30, 0xfff00000), S(0x30, 0xffe00000), S(0x30, 0xffffefff), S(0x50, 0xfffff001), RetK] },
        { [S(0x64, 31), S(0x02, 3), J(0x15, 0, 0, 1), S(0x60, 3), S(0x61, 3), S(0x16)] },
        { [.. Enumerable.Repeat(RetK, 4096)] },
    };

    [Theory]
    [MemberData(nameof(KernelAcceptances))]
    public void Validate_KernelEdgeCases_Accepted(Instruction[] program)
    {
        var result = BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Kernel);
        Assert.True(result.IsValid, string.Join("; ", result.Diagnostics));
        // Large programs may exceed the socket option memory limit (ENOMEM) on some kernels: ask only for small ones.
        if (KernelFilter.UnavailableReason is null && program.Length < 256)
            Assert.True(KernelFilter.Accepts(program));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsEachInOrder()
    {
        var result = BpfValidator.Validate(new BpfProgram([S(0x02, 20), S(0x34, 0), S(0x00)]), ValidationProfile.Libpcap);
        Assert.Equal(
            [ValidationErrorKind.InvalidScratchIndex, ValidationErrorKind.DivisionByZero, ValidationErrorKind.MissingFinalReturn],
            result.Diagnostics.Select(d => d.Kind));
        Assert.Equal("instruction 0 (st M[20]): scratch index 20 is not below 16", result.Diagnostics[0].Message);
    }
}
