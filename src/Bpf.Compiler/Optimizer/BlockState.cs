using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The optimizer's data about one block (the analysis fields of libpcap's <c>struct block</c>),
/// kept beside the IR so the IR stays the shared code-generation/linearization contract.
/// </summary>
internal sealed class BlockState
{
    /// <summary>Creates the state of <paramref name="block"/>, whose id is its index.</summary>
    public BlockState(Block block, int blockCount, int nodeWords, int edgeWords)
    {
        Block = block;
        Dom = new uint[nodeWords];
        True = new Edge(block.Id, block, isTrue: true, edgeWords);
        False = new Edge(blockCount + block.Id, block, isTrue: false, edgeWords);
    }

    /// <summary>The block.</summary>
    public Block Block { get; }

    /// <summary>Distance from the leaves: 0 for returns, 1 + the deeper successor's level otherwise.</summary>
    public int Level { get; set; }

    /// <summary>The blocks that dominate this one (it included), by id.</summary>
    public uint[] Dom { get; }

    /// <summary>The outgoing true edge.</summary>
    public Edge True { get; }

    /// <summary>The outgoing false edge.</summary>
    public Edge False { get; }

    /// <summary>The first edge entering this block; the rest follow <see cref="Edge.NextIn"/>.</summary>
    public Edge? InEdges { get; set; }

    /// <summary>Value numbers of M[0..15], A and X on exit from the block.</summary>
    public uint[] Val { get; } = new uint[Atoms.Count];

    /// <summary>The value number of the branch operand (k, or X's value).</summary>
    public uint Oval { get; set; }

    /// <summary>Atoms the block defines.</summary>
    public int Def { get; set; }

    /// <summary>Atoms the block defines before using them.</summary>
    public int Kill { get; set; }

    /// <summary>Atoms live on entry.</summary>
    public int InUse { get; set; }

    /// <summary>Atoms live on exit.</summary>
    public int OutUse { get; set; }
}
