using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Ir;

/// <summary>Layouts of hand-built graphs, checked against libpcap's icode_to_fcode by hand.</summary>
public class LinearizerTests
{
    private const ushort RetK = Opcodes.Ret | Opcodes.K;
    private const ushort JeqK = Opcodes.Jmp | Opcodes.Jeq | Opcodes.K;
    private const ushort JgtK = Opcodes.Jmp | Opcodes.Jgt | Opcodes.K;
    private const ushort LdImm = Opcodes.Ld | Opcodes.Imm;
    private const ushort Ja = Opcodes.Jmp | Opcodes.Ja;

    internal static Block Ret(uint k) => new(new Stmt(RetK, k));

    internal static Block Jump(ushort code, uint k, Block t, Block f, params Stmt[] stmts)
    {
        var b = new Block(new Stmt(code, k)) { True = t, False = f };
        b.Stmts.AddRange(stmts);
        return b;
    }

    private static Stmt[] Loads(int n) => Enumerable.Range(0, n).Select(i => new Stmt(LdImm, (uint)i)).ToArray();

    [Fact]
    public void SingleReturn_IsOneInstruction()
    {
        Assert.Equal([Instruction.Stmt(RetK, 262144)], Linearizer.Linearize(Ret(262144)));
    }

    [Fact]
    public void Successors_AreLaidOutFalseThenTrueFromTheBack()
    {
        var accept = Ret(1);
        var reject = Ret(0);
        var second = Jump(JgtK, 5, accept, reject, new Stmt(LdImm, 7));
        var root = Jump(JeqK, 3, second, reject, new Stmt(LdImm, 9));
        // root(2) then second(2), accept, reject: reject is placed last because false comes first.
        Assert.Equal(
        [
            Instruction.Stmt(LdImm, 9),
            Instruction.Jump(JeqK, 3, 0, 3),
            Instruction.Stmt(LdImm, 7),
            Instruction.Jump(JgtK, 5, 0, 1),
            Instruction.Stmt(RetK, 1),
            Instruction.Stmt(RetK, 0),
        ], Linearizer.Linearize(root));
    }

    [Fact]
    public void SharedBlocks_AreEmittedOnce()
    {
        var accept = Ret(1);
        var reject = Ret(0);
        var shared = Jump(JeqK, 1, accept, reject);
        var root = Jump(JeqK, 2, shared, shared);
        var code = Linearizer.Linearize(root);
        Assert.Equal(4, code.Length);
        Assert.Equal(Instruction.Jump(JeqK, 2, 0, 0), code[0]);
    }

    [Fact]
    public void DeletedStatements_TakeNoRoom()
    {
        var root = Jump(JeqK, 2, Ret(1), Ret(0), new Stmt(Stmt.Nop), new Stmt(LdImm, 4), new Stmt(Stmt.Nop));
        Assert.Equal(
        [
            Instruction.Stmt(LdImm, 4),
            Instruction.Jump(JeqK, 2, 0, 1),
            Instruction.Stmt(RetK, 1),
            Instruction.Stmt(RetK, 0),
        ], Linearizer.Linearize(root));
    }

    [Fact]
    public void LongTrueBranch_GetsAJaRightAfterTheJump()
    {
        var accept = Ret(1);
        var reject = Ret(0);
        var far = Jump(JeqK, 9, accept, reject, Loads(300));
        var root = Jump(JeqK, 3, accept, far);
        var code = Linearizer.Linearize(root);
        // root, its ja, far's 300 loads + jump, accept, reject.
        Assert.Equal(305, code.Length);
        Assert.Equal(Instruction.Jump(JeqK, 3, 0, 1), code[0]);
        Assert.Equal(Instruction.Stmt(Ja, 301), code[1]);
        Assert.Equal(Instruction.Stmt(RetK, 1), code[1 + 1 + 301]);
        Assert.Equal(Instruction.Jump(JeqK, 9, 0, 1), code[302]);
    }

    [Fact]
    public void LongBranches_BothDirections_ExactLayout()
    {
        var accept = Ret(1);
        var reject = Ret(0);
        var big = Jump(JeqK, 9, accept, reject, Loads(300));
        var root = Jump(JeqK, 3, accept, reject);
        var top = Jump(JeqK, 4, root, big);
        // root lands between top and big, so both its branches jump over big and need a ja each:
        // top, root, ja, ja, big (301), accept, reject.
        var code = Linearizer.Linearize(top);
        Assert.Equal(307, code.Length);
        Assert.Equal(Instruction.Jump(JeqK, 4, 0, 3), code[0]);
        Assert.Equal(Instruction.Jump(JeqK, 3, 0, 1), code[1]);
        Assert.Equal(Instruction.Stmt(Ja, 302), code[2]);
        Assert.Equal(Instruction.Stmt(Ja, 302), code[3]);
        Assert.Equal(Instruction.Stmt(LdImm, 0), code[4]);
        Assert.Equal(Instruction.Stmt(RetK, 1), code[305]);
        Assert.Equal(Instruction.Stmt(RetK, 0), code[306]);
        AssertJumpsLandOnReturnsOrCode(code);
    }

    [Fact]
    public void InBlockJumps_AreResolvedWithinTheBlock()
    {
        var target = new Stmt(LdImm, 2);
        var other = new Stmt(LdImm, 3);
        var jump = new JumpStmt(JeqK, 1) { TrueTarget = target, FalseTarget = other };
        var root = Jump(JeqK, 5, Ret(1), Ret(0), jump, new Stmt(LdImm, 1), target, other, new Stmt(LdImm, 4));
        var code = Linearizer.Linearize(root);
        Assert.Equal(Instruction.Jump(JeqK, 1, 1, 2), code[0]);
    }

    [Fact]
    public void InBlockJump_NextToLastStatement_IsLeftUnresolvedAsInLibpcap()
    {
        var jump = new Stmt(JeqK, 1);
        var root = Jump(JeqK, 5, Ret(1), Ret(0), new Stmt(LdImm, 1), jump, new Stmt(LdImm, 4));
        Assert.Equal(Instruction.Jump(JeqK, 1, 0, 0), Linearizer.Linearize(root)[1]);
    }

    [Fact]
    public void InBlockJump_WithoutTarget_IsAnError()
    {
        var jump = new Stmt(JeqK, 1);
        var root = Jump(JeqK, 5, Ret(1), Ret(0), jump, new Stmt(LdImm, 1), new Stmt(LdImm, 2));
        var e = Assert.Throws<FilterCompileException>(() => Linearizer.Linearize(root, 7));
        Assert.Equal(FilterErrorKind.TooComplex, e.Kind);
        Assert.Equal(7, e.Position);
        Assert.Equal("no jmp destination for block-local relative jump: off=0", e.Message);
    }

    [Fact]
    public void InBlockJump_TargetOutsideTheBlock_IsAnError()
    {
        var jump = new JumpStmt(JeqK, 1) { TrueTarget = new Stmt(LdImm), FalseTarget = new Stmt(LdImm) };
        var root = Jump(JeqK, 5, Ret(1), Ret(0), jump, new Stmt(LdImm, 1), new Stmt(LdImm, 2));
        var e = Assert.Throws<FilterCompileException>(() => Linearizer.Linearize(root));
        Assert.StartsWith("no destination found", e.Message);
    }

    // Every conditional jump and ja lands inside the program, and the last instruction returns.
    private static void AssertJumpsLandOnReturnsOrCode(Instruction[] code)
    {
        for (var i = 0; i < code.Length; i++)
        {
            var insn = code[i];
            if (insn.Class != Opcodes.Jmp)
                continue;
            if (insn.Code == Ja)
                Assert.InRange(i + 1 + (long)insn.K, 0, code.Length - 1);
            else
            {
                Assert.InRange(i + 1 + insn.Jt, 0, code.Length - 1);
                Assert.InRange(i + 1 + insn.Jf, 0, code.Length - 1);
            }
        }
        Assert.True(code[^1].IsReturn);
    }
}
