using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// One outgoing edge of a block (libpcap's <c>struct edge</c>): the true edge of block i has id i,
/// the false edge id n + i, libpcap's order, in which jump threading tries an edge's dominators.
/// The successor lives in the block itself (<see cref="Block.True"/> / <see cref="Block.False"/>).
/// </summary>
internal sealed class Edge(int id, BlockState owner, bool isTrue)
{
    /// <summary>The edge number (its node in <see cref="FlowGraph.EdgeDominators"/>).</summary>
    public int Id { get; private set; } = id;

    /// <summary>
    /// The block the edge leaves (libpcap: <c>pred</c>): its owner's block, read through the owner so
    /// that reusing the state for another block writes one reference, not three.
    /// </summary>
    public Block From => Owner.Block;

    /// <summary>The state of <see cref="From"/> (whose edge this is for as long as the state lives).</summary>
    public BlockState Owner { get; } = owner;

    /// <summary>True for the jump-if-true edge.</summary>
    public bool IsTrue { get; } = isTrue;

    /// <summary>The block the edge enters (null for the edges of returns) (libpcap: <c>succ</c>).</summary>
    public Block? To
    {
        get => IsTrue ? From.True : From.False;
        set
        {
            if (IsTrue)
            {
                From.True = value;
            }
            else
            {
                From.False = value;
            }
        }
    }

    /// <summary>Makes this edge number <paramref name="id"/> (its owner reused for another block, across compiles).</summary>
    public void Reset(int id)
    {
        Id = id;
    }
}
