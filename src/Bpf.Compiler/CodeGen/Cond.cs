using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// A boolean test under construction: the graph from <see cref="Head"/> whose unresolved exits are
/// threaded through <see cref="Block"/> (libpcap's <c>struct block *</c> as gen_* functions return
/// it, with its <c>head</c> field). The two exit lists are linked through the blocks' own
/// <see cref="Ir.Block.True"/> / <see cref="Ir.Block.False"/> fields, chosen per block by
/// <see cref="Ir.Block.Sense"/>, until <see cref="Flow.Backpatch"/> points them at real targets;
/// that is what lets <c>and</c>/<c>or</c>/<c>not</c> combine tests without copying.
/// </summary>
/// <remarks>
/// A view of its block, as in libpcap: the head and the meaning live in the block
/// (<see cref="Ir.Block.Head"/>, <see cref="Ir.Block.Meaning"/>), so copies of a test share them and
/// a test costs no allocation of its own (it was a 40-byte object per test, ~5% of a compile's bytes).
/// </remarks>
internal readonly struct Cond
{
    /// <summary>Wraps a freshly created block, which is its own head.</summary>
    public Cond(Block block)
    {
        Block = block;
        block.Head = block;
    }

    /// <summary>The block whose exits stand for the whole test's exits.</summary>
    public Block Block { get; }

    /// <summary>The first block of the test: where control enters.</summary>
    public Block Head
    {
        get => Block.Head!;
        set => Block.Head = value;
    }

    /// <summary>
    /// Whether the test is a Boolean constant (the head's <c>block->meaning</c>): and/or/not then
    /// fold it away instead of linking its block in. Always <see cref="CondMeaning.Uncertain"/> in
    /// the 1.10 mode, which has no such folding.
    /// </summary>
    public CondMeaning Meaning
    {
        get => Block.Meaning;
        set => Block.Meaning = value;
    }
}

/// <summary>What a test is known to be at code-generation time (the head's <c>enum meaning</c>).</summary>
internal enum CondMeaning : byte
{
    /// <summary>Depends on the packet.</summary>
    Uncertain,

    /// <summary>Always true (an unmodified <c>gen_true</c>).</summary>
    True,

    /// <summary>Always false (an unmodified <c>gen_false</c>).</summary>
    False,
}
