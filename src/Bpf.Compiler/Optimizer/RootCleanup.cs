using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_root</c>: skips root jumps whose two successors coincide (carrying the root's
/// statements along), and drops the statements of a root that returns (BPF has no side effects).
/// </summary>
internal static class RootCleanup
{
    /// <summary>Returns the new root.</summary>
    public static Block Run(Block root)
    {
        var b = root;
        while (Opcodes.ClassOf(b.Branch.Code) == Opcodes.Jmp && b.True == b.False)
        {
            b = b.True!;
        }

        // The root's statements go in front of the new root's (the skipped blocks' own are dropped, as
        // in libpcap); a root that does not move keeps its list.
        if (b != root)
        {
            b.Stmts.InsertRange(0, root.Stmts);
            root.Stmts.Clear();
        }

        if (b.IsReturn)
        {
            b.Stmts.Clear();
        }

        return b;
    }
}
