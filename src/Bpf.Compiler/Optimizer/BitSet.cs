using System.Numerics;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>Set operations on <c>uint[]</c> bit vectors (libpcap's <c>uset</c> macros).</summary>
internal static class BitSet
{
    /// <summary>Adds <paramref name="i"/>.</summary>
    public static void Insert(uint[] set, int i) => set[i / 32] |= 1u << (i % 32);

    /// <summary>True when <paramref name="i"/> is a member.</summary>
    public static bool Contains(uint[] set, int i) => (set[i / 32] & (1u << (i % 32))) != 0;

    /// <summary>set := set ∩ other.</summary>
    public static void IntersectWith(uint[] set, uint[] other)
    {
        // Sets have one word per 32 blocks or edges: large filters make these the hot loops.
        Span<uint> a = set;
        ReadOnlySpan<uint> b = other;
        var w = 0;
        for (; w <= a.Length - Vector<uint>.Count; w += Vector<uint>.Count)
        {
            (new Vector<uint>(a[w..]) & new Vector<uint>(b[w..])).CopyTo(a[w..]);
        }

        for (; w < a.Length; w++)
        {
            a[w] &= b[w];
        }
    }

    /// <summary>set := set ∪ other.</summary>
    public static void UnionWith(uint[] set, uint[] other)
    {
        for (var w = 0; w < set.Length; w++)
        {
            set[w] |= other[w];
        }
    }

    /// <summary>The members in increasing order.</summary>
    public static IEnumerable<int> Members(uint[] set)
    {
        for (var w = 0; w < set.Length; w++)
        {
            var x = set[w];
            while (x != 0)
            {
                var bit = BitOperations.TrailingZeroCount(x);
                x &= ~(1u << bit);
                yield return w * 32 + bit;
            }
        }
    }
}
