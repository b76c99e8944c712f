using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Tests.Generators;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Vm.Tests;

public class InterpreterTests
{
    private static Instruction S(ushort code, uint k = 0) => Instruction.Stmt(code, k);
    private static Instruction J(ushort code, uint k, byte jt, byte jf) => Instruction.Jump(code, k, jt, jf);
    private static readonly Instruction RetA = S(0x16);

    private static uint Run(byte[] packet, uint wire, params Instruction[] program) =>
        new BpfInterpreter(new BpfProgram(program)).Run(packet, wire);

    private static readonly byte[] s_packet = [0x45, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07];

    public static TheoryData<string, Instruction[], byte[], uint, uint> Cases => new()
    {
        { "LoadAbsoluteWord_InBounds_ReadsBigEndian", [S(0x20, 4), RetA], s_packet, 8, 0x04050607 },
        { "LoadAbsolute_OffsetPlusSizeOutOfBounds_ReturnsZero", [S(0x20, 5), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadAbsoluteHalf_LastTwoBytes_Reads", [S(0x28, 6), RetA], s_packet, 8, 0x0607 },
        { "LoadAbsoluteByte_PastEnd_ReturnsZero", [S(0x30, 8), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadAbsoluteByte_AncillaryOffset_ReturnsZero", [S(0x30, 0xfffff030), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadIndexed_OffsetWrapsPast32Bits_ReturnsZero", [S(0x01, 0xffffffff), S(0x50, 2), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadIndexedWord_XPlusK_Reads", [S(0x01, 2), S(0x40, 2), RetA], s_packet, 8, 0x04050607 },
        { "LoadIndexedHalf_OutOfBounds_ReturnsZero", [S(0x01, 6), S(0x48, 1), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadHeaderLength_FirstByte_TimesFourLowNibble", [S(0xb1, 0), S(0x87), RetA], s_packet, 8, 20 },
        { "LoadHeaderLength_PastEnd_ReturnsZero", [S(0xb1, 8), S(0x06, 9)], s_packet, 8, 0 },
        { "LoadLength_Wire_NotCaptured", [S(0x80), RetA], s_packet, 1500, 1500 },
        { "LoadXLength_Wire", [S(0x81), S(0x87), RetA], s_packet, 99, 99 },
        { "Scratch_StoreThenLoad_RoundTrips", [S(0x00, 7), S(0x02, 15), S(0x00, 0), S(0x61, 15), S(0x87), RetA], s_packet, 8, 7 },
        { "Scratch_Unwritten_IsZero", [S(0x00, 7), S(0x60, 3), RetA], s_packet, 8, 0 },
        { "DivideByX_XIsZero_ReturnsZero", [S(0x00, 7), S(0x3c), S(0x06, 9)], s_packet, 8, 0 },
        { "ModuloByX_XIsZero_ReturnsZero", [S(0x00, 7), S(0x9c), S(0x06, 9)], s_packet, 8, 0 },
        { "DivideByConstant_Truncates", [S(0x00, 7), S(0x34, 2), RetA], s_packet, 8, 3 },
        { "ShiftLeftByX_32OrMore_GivesZero", [S(0x00, 7), S(0x01, 32), S(0x6c), RetA], s_packet, 8, 0 },
        { "ShiftRightByX_31_KeepsTopBit", [S(0x00, 0x80000000), S(0x01, 31), S(0x7c), RetA], s_packet, 8, 1 },
        { "ShiftLeftByConstant_33_ShiftsByOneLikeLibpcap", [S(0x00, 3), S(0x64, 33), RetA], s_packet, 8, 6 },
        { "Negate_One_AllOnes", [S(0x00, 1), S(0x84), RetA], s_packet, 8, 0xffffffff },
        { "Arithmetic_Overflow_Wraps", [S(0x00, 0xffffffff), S(0x04, 2), S(0x24, 3), RetA], s_packet, 8, 3 },
        { "JumpSet_NoCommonBits_TakesFalseBranch", [S(0x00, 6), J(0x45, 1, 0, 1), S(0x06, 1), S(0x06, 2)], s_packet, 8, 2 },
        { "JumpGreaterEqualX_Equal_TakesTrueBranch", [S(0x01, 6), S(0x00, 6), J(0x3d, 0, 0, 1), S(0x06, 1), S(0x06, 2)], s_packet, 8, 1 },
        { "JumpAlways_SkipsInstructions", [S(0x05, 1), S(0x06, 1), S(0x06, 2)], s_packet, 8, 2 },
        { "JumpAlways_BackwardWrap_LoopsUntilOutOfBounds", [S(0x01, 0), S(0x50, 0), S(0x07), S(0x04, 1), S(0x07), S(0x05, 0xfffffffb), RetA], s_packet, 8, 0 },
        { "EmptyPacket_AnyLoad_ReturnsZero", [S(0x30, 0), S(0x06, 9)], [], 60, 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Run_SemanticCase_GivesExpectedResult(string name, Instruction[] program, byte[] packet, uint wire, uint expected)
    {
        Assert.True(Run(packet, wire, program) == expected, name);
        if (Libpcap.IsAvailable && !name.StartsWith("Scratch_Unwritten", StringComparison.Ordinal))
            Assert.True(Libpcap.Filter(program, packet, wire) == expected, $"{name}: libpcap disagrees with the expectation");
    }

    [Fact]
    public void Run_InfiniteBackwardLoop_StopsAtLoopLimit() =>
        Assert.Equal(BpfSemantics.LoopLimitResult, Run(s_packet, 8, S(0x00, 1), S(0x05, 0xfffffffe), S(0x06, 9)));

    // bpf_validate passes both; bpf_filter aborts on the first and spins for ever on the second.
    [Theory]
    [InlineData((ushort)0xff, 0u, ValidationErrorKind.UnknownOpcode)]
    [InlineData((ushort)0x05, 0xffffffffu, ValidationErrorKind.JumpToItself)]
    public void Constructor_ProgramLibpcapPassesButCannotRun_ThrowsWithKindAndIndex(ushort code, uint k, ValidationErrorKind kind)
    {
        var program = new BpfProgram([S(0x00, 2), S(code, k), S(0x06, 1)]);
        Assert.True(BpfValidator.Validate(program, ValidationProfile.Libpcap).IsValid);
        var error = Assert.Throws<BpfValidationException>(() => new BpfInterpreter(program));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(1, error.InstructionIndex);
    }

    [Fact]
    public void Constructor_InvalidProgram_ThrowsWithKindAndIndex()
    {
        var error = Assert.Throws<BpfValidationException>(() => new BpfInterpreter(new BpfProgram([S(0x00), S(0x02, 16), RetA])));
        Assert.Equal(ValidationErrorKind.InvalidScratchIndex, error.Kind);
        Assert.Equal(1, error.InstructionIndex);
    }

    [Theory]
    [InlineData((ushort)0x08)]
    [InlineData((ushort)0x0e)]
    [InlineData((ushort)0x106)]
    public void Constructor_OpcodeBpfFilterAbortsOn_ThrowsUnknownOpcode(ushort code)
    {
        Instruction[] program = code == 0x0e || code == 0x106 ? [RetA, S(code)] : [S(code), RetA];
        Assert.True(BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Libpcap).IsValid);
        var error = Assert.Throws<BpfValidationException>(() => new BpfInterpreter(new BpfProgram(program)));
        Assert.Equal(ValidationErrorKind.UnknownOpcode, error.Kind);
    }

    // 5000 programs x 3 packets = 15,000 differential runs.
    [LibpcapProperty(MaxTest = 5000)]
    public Property Run_RandomValidProgram_MatchesBpfFilter() =>
        Prop.ForAll(
            ValidProgramGen.Program.ToArbitrary(),
            Gen.ArrayOf(ValidProgramGen.Packet, 3).ToArbitrary(),
            (program, packets) =>
            {
                var interpreter = new BpfInterpreter(program);
                return packets.All(p => interpreter.Run(p.Data, p.WireLength) == Libpcap.Filter(program.AsSpan(), p.Data, p.WireLength));
            });
}
