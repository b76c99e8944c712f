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
    public BlockState(Block block, int blockCount)
    {
        Block = block;
        True = new Edge(block.Id, this, isTrue: true);
        False = new Edge(blockCount + block.Id, this, isTrue: false);
    }

    /// <summary>Makes this the fresh state of <paramref name="block"/> in a graph of <paramref name="blockCount"/> blocks (reuse across compiles).</summary>
    public void Reset(Block block, int blockCount)
    {
        Block = block;
        True.Reset(block.Id);
        False.Reset(blockCount + block.Id);
        Level = 0;
        Array.Clear(ExitValues);
        BranchOperandValue = 0;
        Defined = 0;
        KilledBeforeUse = 0;
        LiveIn = 0;
        LiveOut = 0;
        Version = 0;
        LocalVersion = -1;
        CleanVersion = -1;
    }

    /// <summary>The block.</summary>
    public Block Block { get; private set; }

    /// <summary>
    /// Lets go of the graph when the state goes back to its thread's pool: a pooled (old) object that
    /// still pointed at the last compile's blocks would keep them alive through the next collections.
    /// </summary>
    public void Detach()
    {
        Block = null!;
    }

    /// <summary>Distance from the leaves: 0 for returns, 1 + the deeper successor's level otherwise.</summary>
    public int Level { get; set; }

    /// <summary>The outgoing true edge.</summary>
    public Edge True { get; }

    /// <summary>The outgoing false edge.</summary>
    public Edge False { get; }

    /// <summary>
    /// Length of <see cref="ExitValues"/>: the atoms rounded up to whole 256-bit vectors, the slots
    /// past <see cref="Atoms.Count"/> always 0, so <see cref="BlockValues"/> merges them a vector at a time.
    /// </summary>
    public const int ValueSlots = 24;

    /// <summary>Value numbers of M[0..15], A and X on exit from the block (libpcap: <c>val</c>), then 0s up to <see cref="ValueSlots"/>.</summary>
    public uint[] ExitValues { get; } = new uint[ValueSlots];

    /// <summary>The value number of the branch operand (k, or X's value) (libpcap: <c>oval</c>).</summary>
    public uint BranchOperandValue { get; set; }

    /// <summary>Atoms the block defines (libpcap: <c>def</c>).</summary>
    public int Defined { get; set; }

    /// <summary>Atoms the block defines before using them (libpcap: <c>kill</c>).</summary>
    public int KilledBeforeUse { get; set; }

    /// <summary>Atoms live on entry (libpcap: <c>in_use</c>).</summary>
    public int LiveIn { get; set; }

    /// <summary>Atoms live on exit (libpcap: <c>out_use</c>).</summary>
    public int LiveOut { get; set; }

    /// <summary>
    /// Moves on whenever the block's statements or branch may have changed (<see cref="BlockValues"/>
    /// watches <see cref="FlowGraph.Edits"/>): what was computed from them at an equal version still holds.
    /// </summary>
    public int Version { get; set; }

    /// <summary>The <see cref="Version"/> <see cref="Defined"/>, <see cref="KilledBeforeUse"/> and <see cref="LocalUse"/> were computed at, or -1.</summary>
    public int LocalVersion { get; set; } = -1;

    /// <summary>The atoms used before any definition in the block (the local part of <see cref="LiveIn"/>).</summary>
    public int LocalUse { get; set; }

    /// <summary>
    /// The <see cref="Version"/> at which <see cref="DeadStores"/> last found nothing to remove, with
    /// <see cref="CleanLiveOut"/> as the live set on exit, or -1: with both unchanged it would find nothing again.
    /// </summary>
    public int CleanVersion { get; set; } = -1;

    /// <summary>The live set on exit when <see cref="DeadStores"/> last found nothing (see <see cref="CleanVersion"/>).</summary>
    public int CleanLiveOut { get; set; }
}
