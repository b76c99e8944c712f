using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// An extra pass after the libpcap port (libpcap has no equivalent). When a block b tests A and one
/// successor s only tests the same A (no statements), and on the edge that skips s the outcome of
/// s's test is implied and leads where b's edge leads, then b can run s's test itself:
/// <code>
///   ldh [12]; jeq #0x86dd -> reject / s      s: jeq #0x800 -> ip / reject
///   ==>  ldh [12]; jeq #0x800 -> ip / reject
/// </code>
/// Every path still executes the same loads in the same order, so no packet (truncated or not)
/// gets a different result; s disappears when b was its only predecessor.
/// </summary>
internal static class ImpliedTestFolding
{
    /// <summary>Applies the rewrite everywhere until nothing changes; returns whether anything did.</summary>
    /// <param name="root">The entry block.</param>
    /// <param name="walk">
    /// A list to walk the graph in (cleared first), or null for a new one. On return it holds the
    /// blocks reachable from <paramref name="root"/> in pre-order (the last walk, over which nothing changed).
    /// </param>
    public static bool Run(Block root, List<Block>? walk = null)
    {
        walk ??= [];
        var any = false;
        bool changed;
        do
        {
            changed = false;
            foreach (var b in GraphWalk.PreOrder(root, walk))
            {
                while (TryAbsorb(b, falseSide: true) || TryAbsorb(b, falseSide: false))
                {
                    changed = true;
                }
            }

            any |= changed;
        }
        while (changed);
        return any;
    }

    /// <summary>
    /// With <paramref name="falseSide"/>, s is b's false successor and b's test holding must imply
    /// s's test leads to b's true successor; otherwise the mirror image.
    /// </summary>
    private static bool TryAbsorb(Block b, bool falseSide)
    {
        if (!IsConstantTest(b))
        {
            return false;
        }

        var s = falseSide ? b.False! : b.True!;
        if (s == b || !IsConstantTest(s) || Peephole.NextReal(s.Stmts, 0) >= 0)
        {
            return false;
        }

        var outcome = BranchImplication.Decide(b.Branch.Code, b.Branch.K, knownHolds: falseSide, s.Branch.Code, s.Branch.K);
        var skipped = falseSide ? b.True : b.False;
        if (outcome is null || (outcome.Value ? s.True : s.False) != skipped)
        {
            return false;
        }

        b.Branch = new Stmt(s.Branch.Code, s.Branch.K);
        b.True = s.True;
        b.False = s.False;
        return true;
    }

    private static bool IsConstantTest(Block b) =>
        Opcodes.ClassOf(b.Branch.Code) == Opcodes.Jmp
        && Opcodes.OpOf(b.Branch.Code) != Opcodes.Ja
        && Opcodes.SrcOf(b.Branch.Code) == Opcodes.K
        && b.True is not null;
}
