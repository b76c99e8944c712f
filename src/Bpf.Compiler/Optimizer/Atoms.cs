using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The registers use-def analysis tracks (libpcap's atoms): scratch cells 0..15, then A and X,
/// with which atom a statement uses or defines (libpcap's <c>atomuse</c> / <c>atomdef</c>).
/// </summary>
internal static class Atoms
{
    /// <summary>The accumulator.</summary>
    public const int A = Opcodes.MemWords;

    /// <summary>The index register.</summary>
    public const int X = Opcodes.MemWords + 1;

    /// <summary>Number of atoms (size of value arrays).</summary>
    public const int Count = Opcodes.MemWords + 2;

    /// <summary>"Both A and X", returned by <see cref="Use"/> for X-operand ALU ops and jumps.</summary>
    public const int AX = Count;

    /// <summary>The atom's bit in an atom set.</summary>
    public static int Mask(int atom) => 1 << atom;

    /// <summary>True when <paramref name="set"/> holds <paramref name="atom"/>.</summary>
    public static bool Contains(int set, int atom) => (set & Mask(atom)) != 0;

    // By opcode (all BPF opcodes fit in a byte): the atom a statement uses / defines, -1 for none,
    // FromK when it is the scratch cell k. UseDef and DeadStores ask for every statement of every
    // pass; the table replaces the decoding switch (2.6% of an accepted compile's samples).
    private const int FromK = -2;
    private static readonly sbyte[] UseByCode = Table(UseOf);
    private static readonly sbyte[] DefByCode = Table(DefOf);

    /// <summary>The atom <paramref name="s"/> reads, <see cref="AX"/> for both registers, or -1.</summary>
    public static int Use(Stmt s)
    {
        var c = s.Code;
        var atom = c <= byte.MaxValue ? UseByCode[c] : UseOf(c);
        return atom == FromK ? (int)s.K : atom;
    }

    /// <summary>The atom <paramref name="s"/> writes, or -1 (jumps and returns write none).</summary>
    public static int Def(Stmt s)
    {
        var c = s.Code;
        var atom = c <= byte.MaxValue ? DefByCode[c] : DefOf(c);
        return atom == FromK ? (int)s.K : atom;
    }

    private static sbyte[] Table(Func<ushort, int> of)
    {
        var table = new sbyte[byte.MaxValue + 1];
        for (var c = 0; c <= byte.MaxValue; c++)
        {
            table[c] = (sbyte)of((ushort)c);
        }

        return table;
    }

    private static int UseOf(ushort c)
    {
        if (c == Stmt.Nop)
        {
            return -1;
        }

        switch (Opcodes.ClassOf(c))
        {
            case Opcodes.Ret:
                return Opcodes.RvalOf(c) == Opcodes.RetA ? A : Opcodes.RvalOf(c) == Opcodes.X ? X : -1;
            case Opcodes.Ld:
            case Opcodes.Ldx:
                return Opcodes.ModeOf(c) == Opcodes.Ind ? X : Opcodes.ModeOf(c) == Opcodes.Mem ? FromK : -1;
            case Opcodes.St:
                return A;
            case Opcodes.Stx:
                return X;
            case Opcodes.Jmp:
            case Opcodes.Alu:
                return Opcodes.SrcOf(c) == Opcodes.X ? AX : A;
            default:
                return Opcodes.MiscOpOf(c) == Opcodes.Txa ? X : A;
        }
    }

    private static int DefOf(ushort c)
    {
        if (c == Stmt.Nop)
        {
            return -1;
        }

        return Opcodes.ClassOf(c) switch
        {
            Opcodes.Ld or Opcodes.Alu => A,
            Opcodes.Ldx => X,
            Opcodes.St or Opcodes.Stx => FromK,
            Opcodes.Misc => Opcodes.MiscOpOf(c) == Opcodes.Tax ? X : A,
            _ => -1,
        };
    }
}
