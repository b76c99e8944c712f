using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>The backpatching builder: and/or/not over leaf tests give the right truth table.</summary>
public class FlowTests
{
    // A leaf test is a "jeq #id" block; a run decides each leaf by a bit of the input.
    private static Cond Leaf(uint id) => Flow.Jump(Cx, Opcodes.Jeq, id);

    // A context without an arena (as every caller but FilterCompiler's): each block is a new object.
    private static readonly CodeGenContext Cx = new(new CodeGenOptions(LinkType.EN10MB, 262144, 0xffffffff, false));
    private static readonly CodeGenContext Cx110 = new(new CodeGenOptions(LinkType.EN10MB, 262144, 0xffffffff, false)
    {
        Compatibility = LibpcapCompatibility.V1_10,
    });

    private static bool Run(Cond c, uint bits)
    {
        Flow.Backpatch(c.Block, Flow.Return(Cx, 1));
        c.Block.Sense = !c.Block.Sense;
        Flow.Backpatch(c.Block, Flow.Return(Cx, 0));
        var b = c.Head;
        var steps = 0;
        while (!b.IsReturn)
        {
            Assert.True(++steps < 100, "graph has a cycle");
            b = (bits >> (int)b.Branch.K & 1) != 0 ? b.True! : b.False!;
        }
        return b.Branch.K == 1;
    }

    private delegate Cond Build();

    private static void Check(Func<Build> make, Func<bool, bool, bool, bool> expected)
    {
        for (uint bits = 0; bits < 8; bits++)
            Assert.Equal(expected((bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0), Run(make()(), bits));
    }

    [Fact]
    public void And_IsTrueOnlyWhenBothAre() => Check(() => () => Flow.And(Leaf(0), Leaf(1)), (a, b, _) => a && b);

    [Fact]
    public void Or_IsTrueWhenEitherIs() => Check(() => () => Flow.Or(Leaf(0), Leaf(1)), (a, b, _) => a || b);

    [Fact]
    public void Not_OfCompound_NegatesIt() => Check(() => () => Flow.Not(Flow.Or(Leaf(0), Flow.And(Leaf(1), Leaf(2)))), (a, b, c) => !(a || (b && c)));

    [Fact]
    public void NestedNots_AndOr_Combine() =>
        Check(() => () => Flow.And(Flow.Not(Flow.And(Leaf(0), Flow.Not(Leaf(1)))), Flow.Or(Flow.Not(Leaf(2)), Leaf(0))),
            (a, b, c) => !(a && !b) && (!c || a));

    [Fact]
    public void And_KeepsTheFirstHeadAsEntry()
    {
        var b0 = Leaf(0);
        var head = b0.Head;
        var result = Flow.And(b0, Leaf(1));
        Assert.Same(head, result.Head);
    }

    [Fact]
    public void Uncond_TrueAndFalse()
    {
        // "ld #0; jeq #0" always jumps true, "ld #1; jeq #0" always false.
        var t = Loads.True(Cx110).Block;
        var f = Loads.False(Cx110).Block;
        Assert.Equal(Opcodes.Ld | Opcodes.Imm, t.Stmts[0].Code);
        Assert.Equal(0u, t.Stmts[0].K);
        Assert.Equal(1u, f.Stmts[0].K);
        Assert.Equal(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, t.Branch.Code);
        Assert.Equal(0u, t.Branch.K);
    }
}
