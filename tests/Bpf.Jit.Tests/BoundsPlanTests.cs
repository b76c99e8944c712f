using Bpf.Jit.Emit;
using Bpf.Vm;
using static Bpf.Jit.Tests.Asm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

public class BoundsPlanTests
{
    private static BoundsPlan Plan(Instruction[] program) => BoundsPlan.Build(program, BasicBlock.Split(program));

    [Fact]
    public void AbsoluteLoads_CheckedOncePerBlockAtTheLargestEnd()
    {
        var plan = Plan([LdAbs(O.H, 12), LdAbs(O.B, 23), LdAbs(O.W, 14), JK(O.Jeq, 1, 0, 1), RetK(1), LdxMsh(40), RetK(2)]);
        Assert.Equal([24ul, 0ul, 41ul], plan.AbsoluteEnd);
    }

    [Fact]
    public void AbsoluteLoadNear2To32_EndDoesNotWrap()
    {
        var plan = Plan([LdAbs(O.W, 0xfffffffe), RetA()]);
        Assert.Equal(0x1_0000_0002ul, plan.AbsoluteEnd[0]);
    }

    [Fact]
    public void IndexedLoads_GroupedUntilXChanges()
    {
        var plan = Plan([LdxMsh(14), LdInd(O.H, 14), LdInd(O.H, 16), LdxImm(4), LdInd(O.B, 0), Tax(), LdInd(O.W, 2), RetA()]);
        Assert.Equal([0ul, 18ul, 0ul, 0ul, 1ul, 0ul, 6ul, 0ul], plan.IndexedEnd);
    }

    [Fact]
    public void IndexedLoads_NotGroupedAcrossBlocks()
    {
        var plan = Plan([LdInd(O.B, 1), JK(O.Jeq, 0, 0, 0), LdInd(O.B, 5), RetA()]);
        Assert.Equal([2ul, 0ul, 6ul, 0ul], plan.IndexedEnd);
    }
}
