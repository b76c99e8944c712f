using Bpf.Compiler.Ir;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Optimizer.Graphs;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// Seeded random acyclic block graphs shaped like libpcap's code generator output, whose
/// assumptions the optimizer relies on (as libpcap's does): every block loads A before testing it,
/// X is set in the block that uses it (and never divides), and scratch cells are written only by the root's preamble.
/// Loads and constants come from small pools so tests repeat and values collide.
/// </summary>
internal sealed class RandomGraphs(int seed)
{
    private readonly Random _r = new(seed);
    private static readonly uint[] s_constants = [0, 1, 2, 6, 8, 0x10, 17, 0xff, 0x800];
    private static readonly uint[] s_offsets = [0, 1, 2, 3, 12, 14];

    private uint Constant() => s_constants[_r.Next(s_constants.Length)];

    private uint Offset() => s_offsets[_r.Next(s_offsets.Length)];

    public Block Graph(int blocks)
    {
        var returns = new[] { Ret(0), Ret(Accept), Ret(0), Ret(Accept) };
        var all = new Block[blocks];
        for (int i = blocks - 1; i >= 0; i--)
        {
            Block Successor() => i + 1 < blocks && _r.Next(3) != 0 ? all[_r.Next(i + 1, blocks)] : returns[_r.Next(returns.Length)];
            var stmts = new List<Stmt>();
            if (i == 0)
                Preamble(stmts);
            bool hasX = Body(stmts);
            int op = new[] { Opcodes.Jeq, Opcodes.Jeq, Opcodes.Jgt, Opcodes.Jge, Opcodes.Jset }[_r.Next(5)];
            bool useX = hasX && _r.Next(4) == 0;
            all[i] = Jump(op | (useX ? Opcodes.X : Opcodes.K), useX ? 0 : Constant(), Successor(), Successor(), [.. stmts]);
        }
        return all[0];
    }

    private void Preamble(List<Stmt> stmts)
    {
        for (uint m = 0; m < 2; m++)
        {
            if (_r.Next(2) == 0)
            {
                stmts.Add(_r.Next(2) == 0 ? LdB(Offset()) : LdI(Constant()));
                stmts.Add(S(Opcodes.St, m));
            }
        }
    }

    /// <summary>Optionally sets X, then loads A and applies up to two operations; returns whether X is set.</summary>
    private bool Body(List<Stmt> stmts)
    {
        bool hasX = false, smallX = false;
        switch (_r.Next(4))
        {
            case 0:
                stmts.Add(S(Opcodes.Ldx | Opcodes.Msh | Opcodes.B, Offset()));
                hasX = smallX = true;
                break;
            case 1:
                stmts.Add(S(Opcodes.Ldx | Opcodes.Imm, Constant()));
                hasX = true;
                break;
        }

        stmts.Add(_r.Next(7) switch
        {
            0 => LdH(Offset()),
            1 => S(Opcodes.Ld | Opcodes.Abs | Opcodes.W, Offset()),
            2 => S(Opcodes.Ld | Opcodes.Len),
            3 => LdI(Constant()),
            4 when smallX => S(Opcodes.Ld | Opcodes.Ind | Opcodes.B, Offset()),
            5 => S(Opcodes.Ld | Opcodes.Mem, (uint)_r.Next(2)),
            _ => LdB(Offset()),
        });
        int[] ops = [Opcodes.Add, Opcodes.Sub, Opcodes.Mul, Opcodes.Div, Opcodes.Mod, Opcodes.And, Opcodes.Or, Opcodes.Xor, Opcodes.Lsh, Opcodes.Rsh];
        for (int n = _r.Next(3); n > 0; n--)
        {
            int op = ops[_r.Next(ops.Length)];
            if (_r.Next(6) == 0)
                stmts.Add(S(Opcodes.Alu | Opcodes.Neg));
            else if (hasX && _r.Next(3) == 0 && op is not (Opcodes.Div or Opcodes.Mod))
                stmts.Add(AluX(op));
            else
                stmts.Add(Alu(op, op is Opcodes.Div or Opcodes.Mod ? Constant() | 1 : op is Opcodes.Lsh or Opcodes.Rsh ? (uint)_r.Next(32) : Constant()));
        }
        return hasX;
    }

    /// <summary>
    /// A random packet from bytes that often equal the graphs' constants, long enough for every load:
    /// like libpcap's, the optimizer deletes dead loads, and with them the out-of-bounds exits they
    /// would take on truncated packets (runtime division by zero is avoided for the same reason).
    /// </summary>
    public byte[] Packet()
    {
        var p = new byte[_r.Next(80, 96)];
        for (int i = 0; i < p.Length; i++)
            p[i] = _r.Next(3) == 0 ? (byte)_r.Next(256) : (byte)s_constants[_r.Next(s_constants.Length)];
        return p;
    }
}
