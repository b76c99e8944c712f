using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        var maxLevel = graph.MaxLevel;
        for (var level = maxLevel; level >= 0; level--)
        {
            foreach (var b in graph.Level(level))
            {
                ComputeLocal(b);
                b.LiveOut = 0;
            }
        }

        for (var level = 1; level <= maxLevel; level++)
        {
            foreach (var b in graph.Level(level))
            {
                b.LiveOut |= graph[b.Block.True!].LiveIn | graph[b.Block.False!].LiveIn;
                b.LiveIn |= b.LiveOut & ~b.KilledBeforeUse;
            }
        }
    }

    /// <summary>
    /// <see cref="Find"/>'s work for one reachable block whose successors are done (a walk finishing
    /// blocks in post-order): its local sets, then what is live on exit and on entry.
    /// </summary>
    public static void Finish(FlowGraph graph, BlockState b)
    {
        ComputeLocal(b);
        var block = b.Block;
        if (block.True is { } t)
        {
            b.LiveOut = graph[t].LiveIn | graph[block.False!].LiveIn;
            b.LiveIn |= b.LiveOut & ~b.KilledBeforeUse;
        }
        else
        {
            b.LiveOut = 0;
        }
    }

    /// <summary>The local sets of one block (the branch counts as a use only for jumps, as in libpcap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ComputeLocal(BlockState b)
    {
        // The statements are as they were when last computed (~60% of the calls: most blocks of a
        // pass after the first). Checked here, inlined, so that such a block costs no call.
        if (b.LocalVersion == b.Version)
        {
            b.LiveIn = b.LocalUse;
        }
        else
        {
            ComputeStatements(b);
        }
    }

    private static void ComputeStatements(BlockState b)
    {
        int def = 0, use = 0, killed = 0;
        foreach (var s in CollectionsMarshal.AsSpan(b.Block.Stmts))
        {
            if (s.Code == Stmt.Nop)
            {
                continue;
            }

            use |= Uses(Atoms.Use(s), def);
            var atom = Atoms.Def(s);
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

        b.Defined = def;
        b.KilledBeforeUse = killed;
        b.LocalUse = use;
        b.LiveIn = use;
        b.LocalVersion = b.Version;
    }

    private static int Uses(int atom, int def)
    {
        var use = 0;
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
