using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// Where the JIT checks packet bounds: once per basic block for every constant-offset load, and once
/// per run of <c>X + k</c> loads that see the same X, each check covering the largest end offset.
/// </summary>
/// <remarks>
/// Equivalence with the interpreter: inside a basic block every instruction runs once the block is
/// entered, and the only early exits are out-of-bounds loads and division by zero, both returning 0.
/// So if any covered load of a block would fail, the interpreter returns 0 before leaving the block,
/// and failing the combined check earlier returns the same 0. A check never moves into another block.
/// </remarks>
internal sealed class BoundsPlan
{
    private BoundsPlan(ulong[] absoluteEnd, ulong[] indexedEnd)
    {
        AbsoluteEnd = absoluteEnd;
        IndexedEnd = indexedEnd;
    }

    /// <summary>Per block: the largest <c>k + size</c> of its constant-offset loads, 0 when it has none.</summary>
    public ulong[] AbsoluteEnd { get; }

    /// <summary>
    /// Per instruction: when non-zero, check <c>X + IndexedEnd[i] &lt;= length</c> before instruction i,
    /// covering it and every later <c>X + k</c> load of its block until X changes.
    /// </summary>
    public ulong[] IndexedEnd { get; }

    /// <summary>Plans the checks of a validated program split into <paramref name="blocks"/>.</summary>
    public static BoundsPlan Build(ReadOnlySpan<Instruction> program, BasicBlock[] blocks)
    {
        var absoluteEnd = new ulong[blocks.Length];
        var indexedEnd = new ulong[program.Length];
        for (var b = 0; b < blocks.Length; b++)
        {
            var groupStart = -1;
            for (var i = blocks[b].Start; i <= blocks[b].End; i++)
            {
                var insn = program[i];
                if (LoadSizes.IsAbsolute(insn.Code))
                    absoluteEnd[b] = Math.Max(absoluteEnd[b], LoadSizes.EndOf(insn));
                else if (LoadSizes.IsIndexed(insn.Code))
                {
                    if (groupStart < 0)
                        groupStart = i;
                    indexedEnd[groupStart] = Math.Max(indexedEnd[groupStart], LoadSizes.EndOf(insn));
                }
                if (LoadSizes.WritesX(insn.Code))
                    groupStart = -1;
            }
        }
        return new BoundsPlan(absoluteEnd, indexedEnd);
    }
}
