using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// What the outcome of one comparison of A with a constant implies about another comparison of the
/// same A: used by <see cref="ImpliedTestFolding"/>, which libpcap's optimizer does not have.
/// </summary>
internal static class BranchImplication
{
    /// <summary>
    /// The outcome of <c>test #k</c> (a K-source jump opcode) on an A for which
    /// <c>known #knownK</c> came out <paramref name="knownHolds"/>, or null when it is not decided.
    /// </summary>
    public static bool? Decide(ushort known, uint knownK, bool knownHolds, ushort test, uint k)
    {
        var knownOp = Opcodes.OpOf(known);
        if (knownOp == Opcodes.Jset)
        {
            return DecideFromMask(knownK, knownHolds, Opcodes.OpOf(test), k);
        }

        if (knownOp == Opcodes.Jeq && !knownHolds)
        {
            // A != knownK decides only an equality with the same constant.
            return Opcodes.OpOf(test) == Opcodes.Jeq && k == knownK ? false : null;
        }

        if (!TryRange(knownOp, knownK, knownHolds, out var lo, out var hi))
        {
            return null;
        }

        return Opcodes.OpOf(test) switch
        {
            Opcodes.Jeq when k < lo || k > hi => false,
            Opcodes.Jeq when lo == hi => lo == k,
            Opcodes.Jgt when lo > k => true,
            Opcodes.Jgt when hi <= k => false,
            Opcodes.Jge when lo >= k => true,
            Opcodes.Jge when hi < k => false,
            Opcodes.Jset when lo == hi => (lo & k) != 0,
            _ => null,
        };
    }

    /// <summary>The closed range of A after an equality or ordering test; false if none is known.</summary>
    private static bool TryRange(ushort op, uint k, bool holds, out uint lo, out uint hi)
    {
        (lo, hi) = (op, holds) switch
        {
            (Opcodes.Jeq, true) => (k, k),
            (Opcodes.Jgt, true) when k < uint.MaxValue => (k + 1, uint.MaxValue),
            (Opcodes.Jgt, false) => (0u, k),
            (Opcodes.Jge, true) => (k, uint.MaxValue),
            (Opcodes.Jge, false) when k > 0 => (0u, k - 1),
            _ => (1u, 0u),
        };
        return lo <= hi;
    }

    /// <summary>After <c>jset #mask</c>: A shares a bit with mask (holds) or none (does not).</summary>
    private static bool? DecideFromMask(uint mask, bool holds, ushort op, uint k)
    {
        if (holds)
        {
            // Some bit of mask is set; a jset whose mask covers all of mask is therefore taken.
            return op == Opcodes.Jset && (mask & ~k) == 0 ? true : null;
        }

        return op switch
        {
            // No bit of mask is set: a jset within mask fails, and so does equality with a value using it.
            Opcodes.Jset when (k & ~mask) == 0 => false,
            Opcodes.Jeq when (k & mask) != 0 => false,
            _ => null,
        };
    }
}
