using Bpf.Compiler.Ir;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// What one optimization reuses from the thread's last one: the walk list, the flow graph's per-block
/// states and arrays, the value table, the dominator bit sets and block interning's tables. One
/// thread-static read per compile fetches all of them: each of the five used to be its own
/// thread-static, taken and given back (~11 accesses per compile, each a call to <c>__tls_get_addr</c>
/// on Linux; measured in the s9-opt notes).
/// </summary>
/// <remarks>
/// A workspace serves one optimization at a time (<see cref="Take"/> marks it in use, <see cref="Return"/>
/// frees it); a second one on the same thread while it is in use (none does today) gets a fresh one.
/// Each part keeps its own rule for what a huge graph may leave behind. (An optimization that fails, on a
/// constant divisor of 0, does not release its graph: its blocks stay referenced until the workspace's
/// next graphs reset the states, at most <c>FlowGraph</c>'s pooled number of them.)
/// </remarks>
internal sealed class OptimizerWorkspace
{
    [ThreadStatic]
    private static OptimizerWorkspace? t_current;

    private bool _inUse;

    /// <summary>The most blocks whose walk list the workspace keeps for the next compile.</summary>
    private const int PooledWalkBlocks = 4096;

    /// <summary>This thread's workspace, marked in use (a fresh one when it already is).</summary>
    public static OptimizerWorkspace Take()
    {
        var ws = t_current;
        if (ws is null)
        {
            ws = t_current = new OptimizerWorkspace();
        }
        else if (ws._inUse)
        {
            ws = new OptimizerWorkspace();
        }

        ws._inUse = true;
        return ws;
    }

    /// <summary>Frees the workspace for the thread's next optimization; nothing taken from it may be used afterwards.</summary>
    public void Return()
    {
        if (Walk.Count > PooledWalkBlocks)
        {
            Walk = [];
        }

        Walk.Clear();
        _inUse = false;
    }

    /// <summary>The list <see cref="BlockOptimizer"/> walks the graph into.</summary>
    public List<Block> Walk { get; private set; } = [];

    /// <summary>The flow graph's per-block states and arrays (see <see cref="FlowGraph"/>).</summary>
    public FlowGraph.Storage Graph { get; } = new();

    /// <summary>The value table, reset; a new one after a huge graph's (see <see cref="ValueTable.Reuse"/>).</summary>
    public ValueTable Values => _values = ValueTable.Reuse(_values);

    private ValueTable? _values;

    /// <summary>The dominator bit sets of graphs of at most <see cref="DominatorSets.MaxBlocks"/> blocks.</summary>
    public DominatorSets DominatorSets => _dominatorSets ??= new DominatorSets();

    private DominatorSets? _dominatorSets;

    /// <summary>The flow graph object <see cref="FlowGraph.Build"/> reuses for small graphs.</summary>
    public FlowGraph? ReusableGraph { get; set; }

    /// <summary>Block interning's tables.</summary>
    public BlockInterning.Workspace Interning { get; set; } = new();
}
