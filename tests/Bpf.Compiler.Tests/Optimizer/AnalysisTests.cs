using Bpf.Compiler.Ir;
using Bpf.Compiler.Optimizer;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Optimizer.Graphs;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>The analyses the passes share: numbering, levels, dominators, use-def.</summary>
public class AnalysisTests
{
    // root -> (a, b) -> c (a diamond), c -> returns.
    private static (Block Root, Block A, Block B, Block C) Diamond()
    {
        var c = Jump(Opcodes.Jeq, 1, Ret(Accept), Ret(0), LdB(1));
        var a = Jump(Opcodes.Jeq, 2, c, Ret(0), LdB(2));
        var b = Jump(Opcodes.Jeq, 3, c, Ret(0), S(Opcodes.Ldx | Opcodes.Imm, 4), S(Opcodes.Ld | Opcodes.Ind | Opcodes.B, 0));
        var root = Jump(Opcodes.Jeq, 0, a, b, S(Opcodes.Ldx | Opcodes.Msh | Opcodes.B, 0), LdB(0));
        return (root, a, b, c);
    }

    [Fact]
    public void FlowGraph_NumbersBlocksInPreOrderTrueFirst()
    {
        var (root, a, b, c) = Diamond();
        var graph = new FlowGraph(root);
        Assert.Equal(0, root.Id);
        Assert.Equal(1, a.Id);
        Assert.Equal(2, c.Id);
        Assert.True(b.Id > c.Id);
        Assert.Equal(graph.Blocks.Length * 2, graph.Edges.Length);
        Assert.Same(graph[b].False, graph.Edges[graph.Blocks.Length + b.Id]);
    }

    [Fact]
    public void Levels_CountFromTheLeaves()
    {
        var (root, a, b, c) = Diamond();
        var graph = new FlowGraph(root);
        GraphLevels.Find(graph);
        Assert.Equal(1, graph[c].Level);
        Assert.Equal(2, graph[a].Level);
        Assert.Equal(2, graph[b].Level);
        Assert.Equal(3, graph.MaxLevel);
        Assert.Equal(graph.Blocks.Length, Enumerable.Range(0, graph.MaxLevel + 1).Sum(l => graph.Level(l).Length));
    }

    [Fact]
    public void Dominators_OfAJoinAreTheCommonAncestors()
    {
        var (root, a, b, c) = Diamond();
        var graph = new FlowGraph(root);
        GraphLevels.Find(graph);
        Dominators.FindBlockDominators(graph);
        Assert.Equal(root.Id, graph.BlockDominators.Parent(c.Id));
        Assert.Equal(root.Id, graph.BlockDominators.Parent(a.Id));
        Assert.Equal(DominatorTree.None, graph.BlockDominators.Parent(root.Id));
        Assert.True(graph.Dominates(root, c));
        Assert.True(graph.Dominates(c, c));
        Assert.False(graph.Dominates(a, c));
        Assert.False(graph.Dominates(b, c));
        Assert.False(graph.Dominates(c, a));
    }

    [Fact]
    public void DominatorSets_HoldWhatTheTreesHold()
    {
        var (root, _, _, _) = Diamond();
        var graph = new FlowGraph(root);
        GraphLevels.Find(graph);
        Dominators.FindBlockDominators(graph);
        Dominators.FindEdgeDominators(graph);
        var n = graph.Blocks.Length;
        var blocks = graph.BlockDominators;
        var edges = graph.EdgeDominators;
        var treeDominates = new bool[n, n];
        foreach (var x in graph.Blocks)
        {
            foreach (var y in graph.Blocks)
            {
                treeDominates[x.Block.Id, y.Block.Id] = graph.Dominates(x.Block, y.Block);
            }
        }

        Dominators.FindWithInEdges(graph);
        var sets = graph.DominatorSets!;
        Assert.NotNull(sets);
        foreach (var x in graph.Blocks)
        {
            foreach (var y in graph.Blocks)
            {
                Assert.Equal(treeDominates[x.Block.Id, y.Block.Id], graph.Dominates(x.Block, y.Block));
            }
        }

        for (var e = 0; e < 2 * n; e++)
        {
            if (!edges.Contains(e))
            {
                continue;
            }

            for (var d = 0; d < 2 * n; d++)
            {
                var set = d < n ? sets.TrueEdgesOver(e) >> d : sets.FalseEdgesOver(e) >> (d - n);
                Assert.Equal(edges.Contains(d) && edges.IsAncestorOrSelf(d, e), (set & 1) != 0);
            }
        }

        Assert.True(blocks.Contains(root.Id));
    }

    [Fact]
    public void EdgeDominators_OfAnEdgeBelowAJoinExcludeBothArms()
    {
        var (root, a, _, c) = Diamond();
        var graph = new FlowGraph(root);
        GraphLevels.Find(graph);
        Dominators.FindEdgeDominators(graph);
        var tree = graph.EdgeDominators;
        Assert.Equal(DominatorTree.None, tree.Parent(graph[c].True.Id));
        Assert.Equal(DominatorTree.None, tree.Parent(graph[root].True.Id));

        // a's edges are dominated by the root's true edge, the only way into a.
        Assert.Equal(graph[root].True.Id, tree.Parent(graph[a].False.Id));
        Assert.True(tree.IsAncestorOrSelf(graph[root].True.Id, graph[a].True.Id));
        Assert.False(tree.IsAncestorOrSelf(graph[root].False.Id, graph[a].True.Id));
    }

    [Fact]
    public void DominatorTree_CommonAncestorOfDifferentTreesIsNone()
    {
        var tree = new DominatorTree(5);
        tree.Add(0, DominatorTree.None);
        tree.Add(1, 0);
        tree.Add(2, 1);
        tree.Add(3, 0);
        tree.Add(4, DominatorTree.None);
        Assert.Equal(0, tree.CommonAncestor(2, 3));
        Assert.Equal(1, tree.CommonAncestor(2, 1));
        Assert.Equal(DominatorTree.None, tree.CommonAncestor(2, 4));
        Assert.True(tree.IsAncestorOrSelf(0, 2));
        Assert.False(tree.IsAncestorOrSelf(3, 2));
        Assert.Equal([0, 1, 2, 3, 4], tree.EntryOrder().Order());
    }

    [Fact]
    public void UseDef_XIsLiveOutOfTheRootOnlyWhereUsed()
    {
        var (root, a, b, _) = Diamond();
        var graph = new FlowGraph(root);
        GraphLevels.Find(graph);
        UseDef.Find(graph);
        // b sets X before its indexed load, so nothing needs the root's X.
        Assert.False(Atoms.Contains(graph[root].LiveOut, Atoms.X));
        Assert.True(Atoms.Contains(graph[b].KilledBeforeUse, Atoms.X));
        Assert.Equal(0, graph[a].LiveIn);
    }

    [Theory]
    [InlineData(Opcodes.Ld | Opcodes.Ind | Opcodes.B, 0, Atoms.X, Atoms.A)]
    [InlineData(Opcodes.Alu | Opcodes.Add | Opcodes.X, 0, Atoms.AX, Atoms.A)]
    [InlineData(Opcodes.St, 3, Atoms.A, 3)]
    [InlineData(Opcodes.Ldx | Opcodes.Mem, 5, 5, Atoms.X)]
    [InlineData(Opcodes.Misc | Opcodes.Txa, 0, Atoms.X, Atoms.A)]
    [InlineData(Opcodes.Ret | Opcodes.RetA, 0, Atoms.A, -1)]
    public void Atoms_UseAndDef(int code, uint k, int use, int def)
    {
        var s = S(code, k);
        Assert.Equal(use, Atoms.Use(s));
        Assert.Equal(def, Atoms.Def(s));
    }

    [Fact]
    public void ValueTable_EqualOperationsShareNumbersAndConstantsAreKnown()
    {
        var vt = new ValueTable();
        uint load = vt.Number(Opcodes.Ld | Opcodes.Abs | Opcodes.B, 14, 0);
        Assert.Equal(load, vt.Number(Opcodes.Ld | Opcodes.Abs | Opcodes.B, 14, 0));
        Assert.NotEqual(load, vt.Number(Opcodes.Ld | Opcodes.Abs | Opcodes.H, 14, 0));
        Assert.False(vt.IsConst(load));
        uint five = vt.Constant(5);
        Assert.True(vt.IsConst(five));
        Assert.Equal(5u, vt.ConstValue(five));
        Assert.False(vt.IsConst(ValueTable.Unknown));
    }
}
