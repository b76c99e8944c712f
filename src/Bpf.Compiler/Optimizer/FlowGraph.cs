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
    /// <summary>Numbers the blocks reachable from <paramref name="root"/> and allocates their state (in a workspace of its own).</summary>
    public FlowGraph(Block root)
    {
        Workspace = new OptimizerWorkspace();
        Init(root, GraphWalk.PreOrder(root), head: false);
    }

    private FlowGraph(OptimizerWorkspace workspace)
    {
        Workspace = workspace;
    }

    /// <summary>
    /// The graph of <paramref name="order"/>, the blocks reachable from <paramref name="root"/> in pre-order,
    /// with the states, arrays and tables of <paramref name="workspace"/>, optimized as the head libpcap
    /// when <paramref name="head"/> (<see cref="Head"/>). A graph of at most <see cref="ReusedBlocks"/> blocks
    /// is the workspace's last one, set afresh: one object of ~220 bytes fewer per compile.
    /// </summary>
    public static FlowGraph Build(Block root, List<Block> order, OptimizerWorkspace workspace, bool head)
    {
        var graph = order.Count <= ReusedBlocks
            ? workspace.ReusableGraph ??= new FlowGraph(workspace)
            : new FlowGraph(workspace);
        graph.Init(root, order, head);
        return graph;
    }

    /// <summary>
    /// The most blocks of a graph whose object is reused: the bit-set dominators' limit, below which no
    /// pass keeps data by graph object (<see cref="DecidingEdges"/>' index and <see cref="ChainRuns"/>'
    /// arrays are made for bigger graphs only).
    /// </summary>
    private const int ReusedBlocks = DominatorSets.MaxBlocks;

    /// <summary>Makes this the fresh graph of <paramref name="order"/> (every field set as a new object's would be).</summary>
    private void Init(Block root, List<Block> order, bool head)
    {
        Root = root;
        Head = head;
        _blockDominators = null;
        _edgeDominators = null;
        DominatorSets = null;
        _edgeMoves = 0;
        _levelsStamp = -1;
        _inEdgesStamp = -1;
        DominatorsCurrent = false;
        Done = false;
        NonBranchMovementPerformed = false;
        _silentChange = false;
        Edits = 0;
        AnalysesCurrent = false;
        RewritesPending = false;
        var workspace = Workspace;
        for (var i = 0; i < order.Count; i++)
        {
            order[i].Id = i;
        }

        var n = order.Count;

        // The workspace's arrays and block states, unless the graph is too big for them to be kept.
        var ws = n <= PooledBlocks ? workspace.Graph : new Storage();
        ws.Prepare(n);
        _storage = n <= PooledBlocks ? ws : null;
        Values = workspace.Values;

        // Filled below when new (a kept array of this size already holds these states and edges).
        (Blocks, Edges, var fill) = ws.ArraysOfSize(n);

        EdgeCodes = ws.EdgeCodes;
        FirstIn = ws.FirstIn;
        NextIn = ws.NextIn;
        ExitA = ws.ExitA;
        Scratch = ws.Scratch;
        Scratch2 = ws.Scratch2;
        WalkOrder = ws.WalkOrder;
        PendingDefinitions = ws.PendingDefinitions;
        _byLevel = ws.ByLevel;
        _levelStart = ws.LevelStart;
        var states = ws.States;
        for (var i = 0; i < n; i++)
        {
            var state = states[i];
            if (state is null)
            {
                state = states[i] = new BlockState(order[i], n);
            }
            else
            {
                state.Reset(order[i], n);
            }

            if (fill)
            {
                Blocks[i] = state;
                Edges[state.True.Id] = state.True;
                Edges[state.False.Id] = state.False;
            }
        }
    }

    /// <summary>The most blocks whose states and arrays a thread keeps for its next compile.</summary>
    private const int PooledBlocks = 1024;

    private Storage? _storage;

    /// <summary>Where the graph's states, arrays and tables come from.</summary>
    public OptimizerWorkspace Workspace { get; }

    /// <summary>
    /// Leaves this graph's block states and arrays (and the object itself, when reused) to the next graph
    /// built in its workspace, which keep no block of this one alive. The graph must not be used afterwards.
    /// </summary>
    public void Release()
    {
        Root = null!;
        if (_storage is { } ws)
        {
            _storage = null;
            foreach (var state in Blocks)
            {
                state.Detach();
            }

            ws.WalkOrder.Clear();
        }
    }

    /// <summary>
    /// What a flow graph allocates per block, kept across compiles in an <see cref="OptimizerWorkspace"/>:
    /// one graph uses it at a time (the one built in the workspace, until <see cref="Release"/>).
    /// </summary>
    internal sealed class Storage
    {
        public BlockState?[] States { get; private set; } = [];

        public List<Block> WalkOrder { get; } = [];

        public int[] PendingDefinitions { get; } = new int[Atoms.Count];

        public int[] EdgeCodes { get; private set; } = [];

        public int[] FirstIn { get; private set; } = [];

        public int[] NextIn { get; private set; } = [];

        public uint[] ExitA { get; private set; } = [];

        public int[] Scratch { get; private set; } = [];

        public int[] Scratch2 { get; private set; } = [];

        public BlockState[] ByLevel { get; private set; } = [];

        // By block count (below SizedArrays): the exact-size Blocks and Edges arrays of the first graph
        // of that size (the passes read their lengths), reused by the next ones: two arrays fewer per
        // compile (they were ~5% of a compile's bytes). They point only at this storage's states and
        // edges, which stay at their indices (States only grows), so once filled they need no refill.
        private const int SizedArrays = 128;
        private readonly BlockState[]?[] _blocksOfSize = new BlockState[]?[SizedArrays];
        private readonly Edge[]?[] _edgesOfSize = new Edge[]?[SizedArrays];

        /// <summary>
        /// A <c>Blocks</c> array of <paramref name="n"/> entries and an <c>Edges</c> array of 2n, and whether
        /// they are new, to be filled with the first n states and their edges (else they already hold them).
        /// </summary>
        public (BlockState[] Blocks, Edge[] Edges, bool Fill) ArraysOfSize(int n)
        {
            if (n >= SizedArrays)
            {
                return (new BlockState[n], new Edge[2 * n], true);
            }

            if (_blocksOfSize[n] is { } blocks)
            {
                return (blocks, _edgesOfSize[n]!, false);
            }

            return (_blocksOfSize[n] = new BlockState[n], _edgesOfSize[n] = new Edge[2 * n], true);
        }

        public int[] LevelStart { get; private set; } = [];

        /// <summary>Room for <paramref name="n"/> blocks; the per-id arrays zeroed as new ones would be.</summary>
        public void Prepare(int n)
        {
            if (States.Length < n)
            {
                var size = Math.Max(n, 2 * States.Length);
                var states = new BlockState?[size];
                Array.Copy(States, states, States.Length);
                States = states;
                EdgeCodes = new int[2 * size];
                FirstIn = new int[size];
                NextIn = new int[2 * size];
                ExitA = new uint[size];
                Scratch = new int[size];
                Scratch2 = new int[size];
                ByLevel = new BlockState[size];
                LevelStart = new int[size + 2];
                return;
            }

            Array.Clear(EdgeCodes, 0, 2 * n);
            Array.Clear(ExitA, 0, n);
        }
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
    public Block Root { get; private set; } = null!;

    /// <summary>All blocks reachable at construction, by id (later passes may orphan some).</summary>
    public BlockState[] Blocks { get; private set; } = null!;

    /// <summary>All edges, by id.</summary>
    public Edge[] Edges { get; private set; } = null!;

    /// <summary>
    /// By edge id: the branch opcode of the edge's block for a true edge, its negation for a false
    /// edge (libpcap's <c>edge.code</c>; set by <see cref="BlockValues"/>, read by jump threading).
    /// An array rather than a field of <see cref="Edge"/>: jump threading scans it for every dominator.
    /// </summary>
    public int[] EdgeCodes { get; private set; } = null!;

    /// <summary>
    /// By block id: the id of the first edge entering the block, or -1 (libpcap's <c>in_edges</c>); the
    /// rest follow <see cref="NextIn"/>. Ints rather than links between edge objects: the lists are
    /// relinked every pass, and each reference store was a write barrier (~3.5% of a compile's profile
    /// went to write barriers).
    /// </summary>
    public int[] FirstIn { get; private set; } = null!;

    /// <summary>By edge id: the id of the next edge entering the same block, or -1.</summary>
    public int[] NextIn { get; private set; } = null!;

    /// <summary>The id of the block edge <paramref name="edge"/> leaves (true edges are numbered 0..n-1, false edges n..2n-1).</summary>
    public int FromId(int edge) => edge < Blocks.Length ? edge : edge - Blocks.Length;

    /// <summary>
    /// By block id: the value number of A on exit (a copy of <see cref="BlockState.ExitValues"/>'s A, kept
    /// flat for the same scan).
    /// </summary>
    public uint[] ExitA { get; private set; } = null!;

    /// <summary>
    /// The dominators of the levelled jump blocks, by block id (libpcap: <c>dom</c>), as of the iteration's
    /// start; this thread's tree, taken on first use (a small graph's passes use <see cref="DominatorSets"/> instead).
    /// </summary>
    public DominatorTree BlockDominators => _blockDominators ??= DominatorTree.For(0, Blocks.Length);

    /// <summary>The dominators of the levelled jump blocks' edges, by edge id (libpcap: <c>edom</c>), as of the iteration's start; taken on first use.</summary>
    public DominatorTree EdgeDominators => _edgeDominators ??= DominatorTree.For(1, 2 * Blocks.Length);

    private DominatorTree? _blockDominators;
    private DominatorTree? _edgeDominators;

    /// <summary>
    /// The dominators as bit sets when the last <see cref="Dominators.FindWithInEdges"/> found them so
    /// (a graph of at most <see cref="DominatorSets.MaxBlocks"/> blocks), else null: the trees hold them.
    /// </summary>
    public DominatorSets? DominatorSets { get; set; }

    /// <summary>One int per block for the analyses' working state.</summary>
    public int[] Scratch { get; private set; } = null!;

    /// <summary>Another int per block, for an analysis that needs two (<see cref="Dominators.FindWithInEdges"/>).</summary>
    public int[] Scratch2 { get; private set; } = null!;

    // The level lists, flat: the blocks of level l are _byLevel[_levelStart[l].._levelStart[l + 1]].
    private BlockState[] _byLevel = [];
    private int[] _levelStart = [];

    /// <summary>A list the analyses reuse for walks over the graph (left empty after each).</summary>
    public List<Block> WalkOrder { get; private set; } = null!;

    /// <summary>The pending definitions of <see cref="DeadStores"/>, reused block after block.</summary>
    public int[] PendingDefinitions { get; private set; } = null!;

    /// <summary>
    /// The reachable blocks of <paramref name="level"/>, in libpcap's list order (the reverse of
    /// finishing order), as computed by <see cref="GraphLevels"/> at the start of the current iteration.
    /// </summary>
    public ReadOnlySpan<BlockState> Level(int level) =>
        _byLevel.AsSpan(_levelStart[level], _levelStart[level + 1] - _levelStart[level]);

    /// <summary>
    /// Sets the level lists from <paramref name="finished"/> (reachable blocks in finishing order,
    /// their <see cref="BlockState.Level"/> set, the root's the highest): libpcap pushes each finished
    /// block on the front of its level's list.
    /// </summary>
    public void SetLevels(List<Block> finished)
    {
        var start = _levelStart;
        var maxLevel = this[Root].Level;
        Array.Clear(start, 0, maxLevel + 2);
        foreach (var block in finished)
        {
            start[this[block].Level + 1]++;
        }

        for (var level = 1; level <= maxLevel + 1; level++)
        {
            start[level] += start[level - 1];
        }

        // start[l] is now where level l begins; each placement moves it on by one, so afterwards
        // start[l] is where level l + 1 begins: shifted back below.
        for (var i = finished.Count - 1; i >= 0; i--)
        {
            var b = this[finished[i]];
            _byLevel[start[b.Level]++] = b;
        }

        for (var level = maxLevel + 1; level > 0; level--)
        {
            start[level] = start[level - 1];
        }

        start[0] = 0;
        _levelsStamp = _edgeMoves;
        _inEdgesStamp = -1;
        DominatorsCurrent = false;
    }

    /// <summary>
    /// True when no block's successors changed since the level lists were computed: computing them
    /// again (levels, then dominators) would give the same lists and trees. Pure functions of the
    /// successors, they need not be recomputed after a pass that only rewrote statements.
    /// </summary>
    public bool LevelsCurrent => _levelsStamp == _edgeMoves;

    /// <summary>
    /// True when the in-edge lists were linked over the current level lists and no block's successors
    /// changed since (<see cref="InEdges.Find"/> would link the same lists in the same order).
    /// </summary>
    public bool InEdgesCurrent => _inEdgesStamp == _edgeMoves;

    /// <summary>Set by the loop once both dominator trees describe the current level lists (cleared by <see cref="SetLevels"/>).</summary>
    public bool DominatorsCurrent { get; set; }

    /// <summary>Records that the in-edges were just linked over the current level lists and successors.</summary>
    public void InEdgesLinked()
    {
        _inEdgesStamp = _edgeMoves;
    }

    // Counts the passes' edge moves; the level lists and in-edges remember the count they were made at.
    private long _edgeMoves;
    private long _levelsStamp = -1;
    private long _inEdgesStamp = -1;

    /// <summary>
    /// Records that a pass is about to change some block's successors (every optimizer step that sets
    /// <see cref="Block.True"/> or <see cref="Block.False"/> during the loop calls it).
    /// </summary>
    public void MovedEdges() => _edgeMoves++;

    /// <summary>The root's level at the start of the current iteration.</summary>
    public int MaxLevel => this[Root].Level;

    /// <summary>The value numbers of the current <see cref="OptimizerLoop.OptimizeBlocks"/> sweep.</summary>
    public ValueTable Values { get; set; } = null!;

    /// <summary>
    /// Optimize as the head libpcap does where its optimizer differs from 1.10.3's (the
    /// <c>jset #0xffffffff</c> fix); false for 1.10.3's exact results.
    /// </summary>
    public bool Head { get; private set; }

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
        if (DominatorSets is { } sets)
        {
            return sets.Dominates(dominator, block);
        }

        var tree = BlockDominators;
        if (!tree.Contains(block.Id))
        {
            return true;
        }

        return tree.Contains(dominator.Id) && tree.IsAncestorOrSelf(dominator.Id, block.Id);
    }

    /// <summary>
    /// Set by the changes libpcap does not count as progress (a <c>jset #0</c> made unconditional,
    /// a jump on a constant X rewritten to one on k): the graph changed although <see cref="Done"/> stayed set.
    /// </summary>
    public bool SilentChange
    {
        get => _silentChange;
        set
        {
            _silentChange = value;
            Edits++;
        }
    }

    private bool _silentChange;

    /// <summary>
    /// Counts the calls that may come with a change to a statement or branch: <see cref="Changed"/>,
    /// <see cref="Rewrites"/> answering true and setting <see cref="SilentChange"/> (every rewrite of the
    /// passes makes one of them, as libpcap's count its changes). <see cref="BlockValues"/>, where all
    /// rewrites happen, compares it before and after a block to know whether the block's statements
    /// may differ (<see cref="BlockState.Version"/>).
    /// </summary>
    public int Edits { get; private set; }

    /// <summary>
    /// True when the last pass of <see cref="OptimizerLoop.Run"/> changed nothing at all, so its levels,
    /// use-def sets and in-edges still describe the graph.
    /// </summary>
    public bool AnalysesCurrent { get; set; }

    /// <summary>
    /// Set in a pass that does not rewrite statements when one that did, over the same graph and
    /// analyses, would have rewritten a statement (or emptied a block, or failed on a constant
    /// divisor); cleared at the start of every pass. A pass without statement rewriting that changed
    /// nothing and left this clear shows that a pass with it would change nothing either.
    /// </summary>
    public bool RewritesPending { get; set; }

    /// <summary>
    /// Called where a statement rewrite applies: <paramref name="alter"/> (whether to make it), after
    /// recording in <see cref="RewritesPending"/> that it was not made.
    /// </summary>
    public bool Rewrites(bool alter)
    {
        RewritesPending |= !alter;
        if (alter)
        {
            Edits++;
        }

        return alter;
    }

    /// <summary>Records a change that is not only branch movement.</summary>
    public void Changed()
    {
        NonBranchMovementPerformed = true;
        Done = false;
        Edits++;
    }
}
