using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Ir;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>The code generator's arena: objects come back as new ones, and reuse never changes a program.</summary>
public class IrArenaTests
{
    [Fact]
    public void Block_AfterReset_IsTheSameObjectReinitialized()
    {
        var arena = new IrArena();
        var first = arena.Block(arena.Stmt(Opcodes.Ret | Opcodes.K, 1), arena.List());
        var second = arena.Block(arena.Stmt(Opcodes.Ret | Opcodes.K, 0), arena.List());
        Assert.NotSame(first, second);
        first.Id = 7;
        first.True = second;
        first.False = second;
        first.Head = second;
        first.Sense = true;
        first.Meaning = CondMeaning.True;
        first.WalkMark = 42;
        first.Stmts.Add(arena.Stmt(Opcodes.Ld | Opcodes.Imm, 3));

        arena.Reset();
        var branch = arena.Stmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 9);
        var stmts = arena.List();
        var again = arena.Block(branch, stmts);

        Assert.Same(first, again);
        Assert.Empty(stmts);
        Assert.Same(stmts, again.Stmts);
        Assert.Same(branch, again.Branch);
        Assert.Equal((Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 9u), (again.Branch.Code, again.Branch.K));
        Assert.Equal((0, null, null, null, false, CondMeaning.Uncertain, 0L),
            (again.Id, again.True, again.False, again.Head, again.Sense, again.Meaning, again.WalkMark));
    }

    [Fact]
    public void Stmt_BeyondWhatIsKept_IsNew()
    {
        var arena = new IrArena();
        var kept = Enumerable.Range(0, 4 * IrArena.MaxKept).Select(i => arena.Stmt(Opcodes.Ld | Opcodes.Imm, (uint)i)).ToList();
        var extra = arena.Stmt(Opcodes.Ld | Opcodes.Imm, 1);
        arena.Reset();
        var reused = Enumerable.Range(0, 4 * IrArena.MaxKept + 1).Select(_ => arena.Stmt(Opcodes.Ld | Opcodes.Len, 0)).ToList();
        Assert.Equal(kept, reused.Take(kept.Count));
        Assert.DoesNotContain(extra, reused);
        Assert.Equal(kept.Count + 1, reused.Distinct().Count());
    }

    [Theory]
    [InlineData(LibpcapCompatibility.Head)]
    [InlineData(LibpcapCompatibility.V1_10)]
    public void Compile_AfterOtherCompilesOnTheThread_EqualsAFreshThreadsCompile(LibpcapCompatibility mode)
    {
        // Each compile on this thread reuses the previous one's blocks; a new thread's first compile has
        // nothing to reuse. Any state a reused object kept would change some program.
        var options = new CompilerOptions { Compatibility = mode };
        var lines = File.ReadLines(TestData.File(Path.Combine("expressions", "EN10MB.txt")))
            .Where(line => line.Length > 0 && line[0] != '#').ToArray();
        var compared = 0;
        foreach (var expression in lines)
        {
            var reused = FilterCompiler.TryCompile(expression, out var program, out _, LinkType.EN10MB, 262144, options) ? program.ToArray() : null;
            Instruction[]? fresh = null;
            var thread = new Thread(() =>
                fresh = FilterCompiler.TryCompile(expression, out var p, out _, LinkType.EN10MB, 262144, options) ? p.ToArray() : null);
            thread.Start();
            thread.Join();
            Assert.Equal(fresh, reused);
            compared += reused is null ? 0 : 1;
        }
        Assert.True(compared > 300, $"only {compared} programs compared");
    }
}
