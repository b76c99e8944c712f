using Bpf.Jit.Emit;
using Bpf.Vm;
using static Bpf.Jit.Tests.Asm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

public class BasicBlockTests
{
    [Fact]
    public void Split_StraightLine_IsOneBlock() =>
        Assert.Equal([new BasicBlock(0, 2)], BasicBlock.Split([LdImm(1), AluK(O.Add, 1), RetA()]));

    [Fact]
    public void Split_ConditionalJump_StartsBlocksAtBothTargetsAndAfterReturns() =>
        Assert.Equal(
            [new BasicBlock(0, 1), new BasicBlock(2, 2), new BasicBlock(3, 4), new BasicBlock(5, 5)],
            BasicBlock.Split([LdAbs(O.B, 0), JK(O.Jeq, 1, 0, 1), RetK(1), LdAbs(O.B, 1), RetA(), RetK(2)]));

    [Fact]
    public void Split_BackwardJa_StartsABlockAtItsTarget() =>
        Assert.Equal(
            [new BasicBlock(0, 0), new BasicBlock(1, 2), new BasicBlock(3, 3), new BasicBlock(4, 4)],
            BasicBlock.Split([LdImm(0), AluK(O.Add, 1), JK(O.Jge, 3, 1, 0), Ja(-3), RetA()]));

    [Theory]
    [InlineData(0, 0u, 1)]
    [InlineData(3, 2u, 6)]
    [InlineData(5, 0xfffffffbu, 1)]
    public void JumpTarget_AddsUnsignedWithWrapAround(int index, uint k, int expected) =>
        Assert.Equal(expected, BasicBlock.JumpTarget(index, k));
}
