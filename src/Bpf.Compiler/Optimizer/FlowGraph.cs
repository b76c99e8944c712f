using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The optimizer's view of one graph (libpcap's <c>opt_state</c> after <c>opt_init</c>): blocks
/// numbered once in depth-first pre-order (their <see cref="Block.Id"/>), their edges, the level
/// lists, and the progress flags of the fixpoint loop.
/// </summary>
internal sealed class FlowGraph
{
    /// <summary>Numbers the blocks reachable from <paramref name="root"/> and allocates their state.</summary>
    public FlowGraph(Block root)
    {
        Root = root;
        var order = GraphWalk.PreOrder(root);
        for (var i = 0; i < order.Count; i++)
        {
            order[i].Id = i;
        }

        var n = order.Count;
        Blocks = new BlockState[n];
        Edges = new Edge[2 * n];
        EdgeCodes = new int[2 * n];
        ExitA = new uint[n];
        Levels = new List<BlockState>[n];
        for (var i = 0; i < n; i++)
        {
            var state = new BlockState(order[i], n);
            Blocks[i] = state;
            Edges[state.True.Id] = state.True;
            Edges[state.False.Id] = state.False;
            Levels[i] = [];
        }

        BlockDominators = new DominatorTree(n);
        EdgeDominators = new DominatorTree(2 * n);
        Scratch = new int[n];
    }

    /// <summary>
    /// The optimizer's memory per block of the graph (measured: the flow graph, its analyses and the
    /// value table of a pass; all linear in the number of blocks).
    /// </summary>
    public const long BytesPerBlock = 2048;

    /// <summary>
    /// Throws <see cref="FilterErrorKind.TooComplex"/> when the graph of <paramref name="blocks"/> blocks
    /// would take more than <paramref name="budget"/> bytes (<see cref="BytesPerBlock"/> each).
    /// </summary>
    /// <exception cref="FilterCompileException">The graph would not fit the budget.</exception>
    public static void CheckMemory(long blocks, long budget)
    {
        var bytes = blocks * BytesPerBlock;
        if (bytes > budget)
            throw new FilterCompileException(FilterErrorKind.TooComplex, 0,
                $"filter is too complex to optimize ({blocks} blocks would need {bytes >> 20} MiB, over the {budget >> 20} MiB budget)");
    }

    /// <summary>The root; constant during the passes (only the final cleanup moves it).</summary>
    public Block Root { get; }

    /// <summary>All blocks reachable at construction, by id (later passes may orphan some).</summary>
    public BlockState[] Blocks { get; }

    /// <summary>All edges, by id.</summary>
    public Edge[] Edges { get; }

    /// <summary>
    /// By edge id: the branch opcode of the edge's block for a true edge, its negation for a false
    /// edge (libpcap's <c>edge.code</c>; set by <see cref="BlockValues"/>, read by jump threading).
    /// An array rather than a field of <see cref="Edge"/>: jump threading scans it for every dominator.
    /// </summary>
    public int[] EdgeCodes { get; }

    /// <summary>
    /// By block id: the value number of A on exit (a copy of <see cref="BlockState.ExitValues"/>'s A, kept
    /// flat for the same scan).
    /// </summary>
    public uint[] ExitA { get; }

    /// <summary>The dominators of the levelled jump blocks, by block id (libpcap: <c>dom</c>), as of the iteration's start.</summary>
    public DominatorTree BlockDominators { get; }

    /// <summary>The dominators of the levelled jump blocks' edges, by edge id (libpcap: <c>edom</c>), as of the iteration's start.</summary>
    public DominatorTree EdgeDominators { get; }

    /// <summary>One int per block for the analyses' working state.</summary>
    public int[] Scratch { get; }

    /// <summary>
    /// The reachable blocks of each level, in libpcap's list order (the reverse of finishing order),
    /// as computed by <see cref="Levels"/>'s pass at the start of the current iteration.
    /// </summary>
    public List<BlockState>[] Levels { get; }

    /// <summary>The root's level at the start of the current iteration.</summary>
    public int MaxLevel => this[Root].Level;

    /// <summary>The value numbers of the current <see cref="OptimizerLoop.OptimizeBlocks"/> sweep.</summary>
    public ValueTable Values { get; set; } = new();

    /// <summary>
    /// Optimize as the head libpcap does where its optimizer differs from 1.10.3's (the
    /// <c>jset #0xffffffff</c> fix); false for 1.10.3's exact results.
    /// </summary>
    public bool Head { get; init; }

    /// <summary>Cleared by every change; the loop stops at an iteration that leaves it set.</summary>
    public bool Done { get; set; }

    /// <summary>Set by every change other than moving a branch (libpcap's cycle detection).</summary>
    public bool NonBranchMovementPerformed { get; set; }

    /// <summary>The state of <paramref name="block"/>.</summary>
    public BlockState this[Block block] => Blocks[block.Id];

    /// <summary>
    /// True when <paramref name="dominator"/> was in <paramref name="block"/>'s dominator set at the
    /// iteration's start. A block unreached then keeps libpcap's initial set of all blocks.
    /// </summary>
    public bool Dominates(Block dominator, Block block)
    {
        var tree = BlockDominators;
        if (!tree.Contains(block.Id))
        {
            return true;
        }

        return tree.Contains(dominator.Id) && tree.IsAncestorOrSelf(dominator.Id, block.Id);
    }

    /// <summary>Records a change that is not only branch movement.</summary>
    public void Changed()
    {
        NonBranchMovementPerformed = true;
        Done = false;
    }

    /// <summary>All blocks of levels <paramref name="from"/>..<see cref="MaxLevel"/>, top level first.</summary>
    public IEnumerable<BlockState> TopDown(int from = 0)
    {
        for (var level = MaxLevel; level >= from; level--)
        {
            foreach (var b in Levels[level])
            {
                yield return b;
            }
        }
    }

    /// <summary>All blocks of levels <paramref name="from"/>..<see cref="MaxLevel"/>, bottom level first.</summary>
    public IEnumerable<BlockState> BottomUp(int from)
    {
        for (var level = from; level <= MaxLevel; level++)
        {
            foreach (var b in Levels[level])
            {
                yield return b;
            }
        }
    }
}
