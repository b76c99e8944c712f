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
        if (Opcodes.ClassOf(root.Branch.Code) != Opcodes.Jmp || root.True != root.False)
        {
            // Nothing to skip (most filters): the root keeps its statements unless it returns.
            if (root.IsReturn)
            {
                root.Stmts.Clear();
            }

            return root;
        }

        var stmts = new List<Stmt>(root.Stmts);
        root.Stmts.Clear();
        var b = root;
        while (Opcodes.ClassOf(b.Branch.Code) == Opcodes.Jmp && b.True == b.False)
        {
            b = b.True!;
        }

        stmts.AddRange(b.Stmts);
        b.Stmts.Clear();
        if (!b.IsReturn)
        {
            b.Stmts.AddRange(stmts);
        }

        return b;
    }
}
