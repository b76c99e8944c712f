using Bpf.Compiler.Ir;
using Bpf.Compiler.Optimizer;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Optimizer.Graphs;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>The whole optimizer on hand-built graphs, one transformation per test.</summary>
public class BlockOptimizerTests
{
    [Fact]
    public void ConstantComparison_FoldsToReturn()
    {
        // ld #2; add #3; jeq #5 is always true.
        var root = Jump(Opcodes.Jeq, 5, Ret(Accept), Ret(0), LdI(2), Alu(Opcodes.Add, 3));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.True(optimized.IsReturn);
        Assert.Equal(Accept, optimized.Branch.K);
        Assert.Empty(optimized.Stmts);
    }

    [Fact]
    public void BranchLoop_RecordsTheStatementRewritesItLeftPending()
    {
        // A load of the value A already holds (the second block's ldb [14]) is one the statement
        // loop turns into a NOP: the branch loop must say so, or the statement loop is skipped.
        var second = Jump(Opcodes.Jgt, 0, Ret(Accept), Ret(0), LdB(14));
        var pending = new FlowGraph(Jump(Opcodes.Jeq, 1, second, Ret(0), LdB(14)));
        OptimizerLoop.Run(pending, doStmts: false);
        Assert.True(pending.RewritesPending);

        var none = new FlowGraph(Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(14)));
        OptimizerLoop.Run(none, doStmts: false);
        Assert.True(none.AnalysesCurrent);
        Assert.False(none.RewritesPending);
    }

    [Fact]
    public void ConstantDivisorZero_StillFailsWhenOnlyTheStatementLoopSeesIt()
    {
        // "div #0" is refused by the statement loop only; the branch loop records it as pending.
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(14), Alu(Opcodes.Div, 0));
        var e = Assert.Throws<FilterCompileException>(() => BlockOptimizer.Optimize(root));
        Assert.Equal(FilterErrorKind.ValueOutOfRange, e.Kind);
    }

    [Fact]
    public void RejectsEverything_LeavesReturnZeroRoot()
    {
        var root = Jump(Opcodes.Jgt, 10, Ret(Accept), Ret(0), LdI(2));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.True(optimized.IsReturn);
        Assert.Equal(0u, optimized.Branch.K);
    }

    [Fact]
    public void RepeatedTest_IsThreadedAndItsLoadRemoved()
    {
        // ldb [14] = 1 and ldb [14] = 1: the second test is decided by the first.
        var accept = Ret(Accept);
        var reject = Ret(0);
        var second = Jump(Opcodes.Jeq, 1, accept, reject, LdB(14));
        var root = Jump(Opcodes.Jeq, 1, second, reject, LdB(14));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.Equal(3, Reachable(optimized).Count);
        Assert.Same(accept, optimized.True);
        Assert.Same(reject, optimized.False);
    }

    [Fact]
    public void ContradictoryEquality_FalseEdgeIsTaken()
    {
        // After "A == 1" succeeded, "A == 2" on the same value must fail.
        var accept = Ret(Accept);
        var reject = Ret(0);
        var second = Jump(Opcodes.Jeq, 2, accept, reject, LdB(14));
        var root = Jump(Opcodes.Jeq, 1, second, accept, LdB(14));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.Same(reject, optimized.True);
        Assert.Same(accept, optimized.False);
    }

    [Fact]
    public void OverwrittenLoad_IsDeadAndRemoved()
    {
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(0), LdB(1));
        var optimized = BlockOptimizer.Optimize(root);
        var stmt = Assert.Single(optimized.Stmts);
        Assert.Equal(1u, stmt.K);
    }

    [Fact]
    public void AndThenCompareWithZero_BecomesJsetWithSwappedTargets()
    {
        var accept = Ret(Accept);
        var reject = Ret(0);
        var root = Jump(Opcodes.Jeq, 0, accept, reject, LdB(3), Alu(Opcodes.And, 0x10));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.Equal(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, optimized.Branch.Code);
        Assert.Equal(0x10u, optimized.Branch.K);
        Assert.Same(reject, optimized.True);
        Assert.Same(accept, optimized.False);
        Assert.Single(optimized.Stmts);
    }

    [Fact]
    public void IdenticalBlocks_AreMerged()
    {
        var accept = Ret(Accept);
        var reject = Ret(0);
        var left = Jump(Opcodes.Jeq, 6, accept, reject, LdB(23));
        var right = Jump(Opcodes.Jeq, 6, accept, reject, LdB(23));
        var root = Jump(Opcodes.Jeq, 0x800, left, right, LdH(12));
        var optimized = BlockOptimizer.Optimize(root);

        // The root then jumps to one block either way, so the root cleanup skips it, carrying its
        // statements along as libpcap's opt_root does.
        Assert.Equal(3, Reachable(optimized).Count);
        Assert.Equal(6u, optimized.Branch.K);
        Assert.Equal([12u, 23u], optimized.Stmts.Select(s => s.K));
    }

    [Fact]
    public void ConstantIndex_TurnsIndirectLoadAbsolute()
    {
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), S(Opcodes.Ldx | Opcodes.Imm, 14), S(Opcodes.Ld | Opcodes.Ind | Opcodes.B, 9));
        var optimized = BlockOptimizer.Optimize(root);
        var stmt = Assert.Single(optimized.Stmts);
        Assert.Equal(Opcodes.Ld | Opcodes.Abs | Opcodes.B, stmt.Code);
        Assert.Equal(23u, stmt.K);
    }

    [Theory]
    [InlineData(Opcodes.Div, "division by zero")]
    [InlineData(Opcodes.Mod, "modulus by zero")]
    public void ConstantZeroDivisor_IsAnError(int op, string message)
    {
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(0), Alu(op, 0));
        var e = Assert.Throws<FilterCompileException>(() => BlockOptimizer.Optimize(root));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void KnownShiftAbove31_IsAnError()
    {
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(0), S(Opcodes.Ldx | Opcodes.Imm, 40), AluX(Opcodes.Lsh));
        var e = Assert.Throws<FilterCompileException>(() => BlockOptimizer.Optimize(root));
        Assert.Equal("shift by more than 31 bits", e.Message);
    }

    [Fact]
    public void ConstantShiftOf32OrMore_FoldsToZero()
    {
        var root = Jump(Opcodes.Jeq, 0, Ret(Accept), Ret(0), LdI(1), S(Opcodes.Ldx | Opcodes.Imm, 40), AluX(Opcodes.Lsh));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.True(optimized.IsReturn);
        Assert.Equal(Accept, optimized.Branch.K);
    }

    [Fact]
    public void InBlockJumps_AreLeftAlone()
    {
        var target = LdB(1);
        var jump = new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 0) { TrueTarget = target, FalseTarget = target };
        var root = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdI(2), jump, target);
        var before = Dump(root);
        Assert.Same(root, BlockOptimizer.Optimize(root));
        Assert.Equal(before, Dump(root));
    }

    [Fact]
    public void SurvivingBlocks_AreRenumberedDensely()
    {
        var accept = Ret(Accept);
        var reject = Ret(0);
        var second = Jump(Opcodes.Jeq, 1, accept, reject, LdB(14));
        var root = Jump(Opcodes.Jeq, 1, second, reject, LdB(14));
        var optimized = BlockOptimizer.Optimize(root);
        Assert.Equal(Enumerable.Range(0, 3), Reachable(optimized).Select(b => b.Id).Order());
    }
}
