using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>compute_local_ud</c> and <c>find_ud</c>: which atoms each block defines, kills and
/// needs on entry, and which are live on exit (needed by some successor).
/// </summary>
internal static class UseDef
{
    /// <summary>Recomputes def/kill/in-use/out-use of every levelled block.</summary>
    public static void Find(FlowGraph graph)
    {
        foreach (BlockState b in graph.TopDown())
        {
            ComputeLocal(b);
            b.OutUse = 0;
        }

        foreach (BlockState b in graph.BottomUp(1))
        {
            b.OutUse |= graph[b.Block.True!].InUse | graph[b.Block.False!].InUse;
            b.InUse |= b.OutUse & ~b.Kill;
        }
    }

    /// <summary>The local sets of one block (the branch counts as a use only for jumps, as in libpcap).</summary>
    public static void ComputeLocal(BlockState b)
    {
        int def = 0, use = 0, killed = 0;
        foreach (Stmt s in b.Block.Stmts)
        {
            if (s.Code == Stmt.Nop)
            {
                continue;
            }

            use |= Uses(Atoms.Use(s), def);
            int atom = Atoms.Def(s);
            if (atom >= 0)
            {
                if (!Atoms.Contains(use, atom))
                {
                    killed |= Atoms.Mask(atom);
                }

                def |= Atoms.Mask(atom);
            }
        }

        if (Opcodes.ClassOf(b.Block.Branch.Code) == Opcodes.Jmp)
        {
            use |= Uses(Atoms.Use(b.Block.Branch), def);
        }

        b.Def = def;
        b.Kill = killed;
        b.InUse = use;
    }

    private static int Uses(int atom, int def)
    {
        int use = 0;
        if (atom == Atoms.AX)
        {
            if (!Atoms.Contains(def, Atoms.X))
            {
                use |= Atoms.Mask(Atoms.X);
            }

            if (!Atoms.Contains(def, Atoms.A))
            {
                use |= Atoms.Mask(Atoms.A);
            }
        }
        else if (atom >= 0 && !Atoms.Contains(def, atom))
        {
            use |= Atoms.Mask(atom);
        }

        return use;
    }
}
