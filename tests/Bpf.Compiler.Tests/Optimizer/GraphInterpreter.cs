using System.Buffers.Binary;
using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// A test-only interpreter of block graphs with bpf_filter's semantics (out-of-bounds loads and
/// division by zero return 0, shifts of 32 or more give 0), so graphs can be compared before
/// and after optimization without a linearizer.
/// </summary>
internal static class GraphInterpreter
{
    public static uint Run(Block root, ReadOnlySpan<byte> packet, uint wireLength)
    {
        uint a = 0, x = 0;
        var mem = new uint[Opcodes.MemWords];
        Block? b = root;
        while (true)
        {
            foreach (var s in b!.Stmts)
            {
                if (s.Code != Stmt.Nop && !Step(s, packet, wireLength, ref a, ref x, mem))
                    return 0;
            }

            var branch = b.Branch;
            if (b.IsReturn)
                return Opcodes.RvalOf(branch.Code) == Opcodes.RetA ? a : branch.K;
            uint operand = Opcodes.SrcOf(branch.Code) == Opcodes.X ? x : branch.K;
            bool taken = Opcodes.OpOf(branch.Code) switch
            {
                Opcodes.Ja => true,
                Opcodes.Jeq => a == operand,
                Opcodes.Jgt => a > operand,
                Opcodes.Jge => a >= operand,
                Opcodes.Jset => (a & operand) != 0,
                _ => throw new InvalidOperationException($"bad jump {branch}"),
            };
            b = taken ? b.True : b.False;
        }
    }

    private static bool Step(Stmt s, ReadOnlySpan<byte> p, uint wireLength, ref uint a, ref uint x, uint[] mem)
    {
        switch (Opcodes.ClassOf(s.Code))
        {
            case Opcodes.Ld:
                return Load(s, p, wireLength, x, mem, out a);
            case Opcodes.Ldx:
                if (Opcodes.ModeOf(s.Code) == Opcodes.Msh)
                {
                    if (s.K >= p.Length)
                        return false;
                    x = (uint)(p[(int)s.K] & 0xf) << 2;
                    return true;
                }
                return Load(s, p, wireLength, x, mem, out x);
            case Opcodes.St:
                mem[s.K] = a;
                return true;
            case Opcodes.Stx:
                mem[s.K] = x;
                return true;
            case Opcodes.Alu:
                uint operand = Opcodes.SrcOf(s.Code) == Opcodes.X ? x : s.K;
                if (Opcodes.OpOf(s.Code) == Opcodes.Neg)
                {
                    a = 0u - a;
                    return true;
                }
                if (Opcodes.OpOf(s.Code) is Opcodes.Div or Opcodes.Mod && operand == 0)
                    return false;
                a = Compiler.Optimizer.ArithmeticFolding.Apply(Opcodes.OpOf(s.Code), a, operand);
                return true;
            case Opcodes.Misc:
                if (Opcodes.MiscOpOf(s.Code) == Opcodes.Tax)
                    x = a;
                else
                    a = x;
                return true;
            default:
                throw new InvalidOperationException($"bad statement {s}");
        }
    }

    private static bool Load(Stmt s, ReadOnlySpan<byte> p, uint wireLength, uint x, uint[] mem, out uint value)
    {
        value = 0;
        switch (Opcodes.ModeOf(s.Code))
        {
            case Opcodes.Imm:
                value = s.K;
                return true;
            case Opcodes.Len:
                value = wireLength;
                return true;
            case Opcodes.Mem:
                value = mem[s.K];
                return true;
        }

        ulong offset = Opcodes.ModeOf(s.Code) == Opcodes.Ind ? (ulong)x + s.K : s.K;
        int size = Opcodes.SizeOf(s.Code) switch { Opcodes.W => 4, Opcodes.H => 2, _ => 1 };
        if (offset + (ulong)size > (ulong)p.Length)
            return false;
        var bytes = p.Slice((int)offset, size);
        value = size switch
        {
            4 => BinaryPrimitives.ReadUInt32BigEndian(bytes),
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes),
            _ => bytes[0],
        };
        return true;
    }
}
