using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// The binary-ALU cases of libpcap's <c>opt_stmt</c> and its <c>fold_op</c>: operations with a
/// zero constant, operations on known constants folded to <c>ld #k</c>, and X operands replaced
/// by X's known constant. Constant division or modulus by zero is an error, as in libpcap.
/// </summary>
internal static class ArithmeticFolding
{
    private const ushort LdImm = Opcodes.Ld | Opcodes.Imm;

    /// <summary>An ALU operation with constant operand k.</summary>
    /// <exception cref="FilterCompileException">Division or modulus by the constant 0.</exception>
    public static void WithConstant(FlowGraph graph, Stmt s, uint[] val, bool alter)
    {
        ValueTable vt = graph.Values;
        var op = Opcodes.OpOf(s.Code);

        // ("sub #0" of an unknown A is the one case below that changes nothing.)
        if (((s.K == 0 && op != Opcodes.Sub) || vt.IsConst(val[Atoms.A])) && graph.Rewrites(alter))
        {
            if (s.K == 0)
            {
                // "sub #0" stays: libpcap keeps it for the arithmetic code's later fixups.
                if (op is Opcodes.Add or Opcodes.Lsh or Opcodes.Rsh or Opcodes.Or or Opcodes.Xor)
                {
                    s.Code = Stmt.Nop;
                    return;
                }

                if (op is Opcodes.Mul or Opcodes.And)
                {
                    s.Code = LdImm;
                    val[Atoms.A] = vt.Constant(s.K);
                    return;
                }

                ThrowIfZeroDivisor(op);
            }

            if (vt.IsConst(val[Atoms.A]))
            {
                Fold(graph, s, val[Atoms.A], vt.Constant(s.K));
                val[Atoms.A] = vt.Constant(s.K);
                return;
            }
        }

        val[Atoms.A] = vt.Number(s.Code, val[Atoms.A], vt.Constant(s.K));
    }

    /// <summary>An ALU operation with operand X.</summary>
    /// <exception cref="FilterCompileException">Division or modulus by a known 0, or a known shift above 31.</exception>
    public static void WithIndex(FlowGraph graph, Stmt s, uint[] val, bool alter)
    {
        ValueTable vt = graph.Values;
        var op = Opcodes.OpOf(s.Code);
        if (vt.IsConst(val[Atoms.X]) && graph.Rewrites(alter))
        {
            if (vt.IsConst(val[Atoms.A]))
            {
                Fold(graph, s, val[Atoms.A], val[Atoms.X]);
                val[Atoms.A] = vt.Constant(s.K);
            }
            else
            {
                s.Code = (ushort)(Opcodes.Alu | Opcodes.K | op);
                s.K = vt.ConstValue(val[Atoms.X]);
                if (op is Opcodes.Lsh or Opcodes.Rsh && s.K > 31)
                {
                    throw Error("shift by more than 31 bits");
                }

                graph.Changed();
                val[Atoms.A] = vt.Number(s.Code, val[Atoms.A], vt.Constant(s.K));
            }

            return;
        }

        // An operation on an accumulator known to be 0 simplifies, which may open further folding.
        if (vt.IsConst(val[Atoms.A]) && vt.ConstValue(val[Atoms.A]) == 0 && graph.Rewrites(alter))
        {
            if (op is Opcodes.Add or Opcodes.Or or Opcodes.Xor)
            {
                s.Code = Opcodes.Misc | Opcodes.Txa;
                StatementValues.Store(graph, s, ref val[Atoms.A], val[Atoms.X], alter);
                return;
            }

            if (op is Opcodes.Mul or Opcodes.Div or Opcodes.Mod or Opcodes.And or Opcodes.Lsh or Opcodes.Rsh)
            {
                s.Code = LdImm;
                s.K = 0;
                StatementValues.Store(graph, s, ref val[Atoms.A], vt.Constant(s.K), alter);
                return;
            }
        }

        val[Atoms.A] = vt.Number(s.Code, val[Atoms.A], val[Atoms.X]);
    }

    /// <summary>libpcap's <c>fold_op</c>: replaces <paramref name="s"/> by <c>ld #(v0 op v1)</c>.</summary>
    /// <exception cref="FilterCompileException">Division or modulus by 0.</exception>
    public static void Fold(FlowGraph graph, Stmt s, uint v0, uint v1)
    {
        var a = graph.Values.ConstValue(v0);
        var b = graph.Values.ConstValue(v1);
        var op = Opcodes.OpOf(s.Code);
        if (b == 0)
        {
            ThrowIfZeroDivisor(op);
        }

        s.K = Apply(op, a, b);
        s.Code = LdImm;
        graph.Changed();
    }

    /// <summary>
    /// <paramref name="a"/> op <paramref name="b"/> as libpcap's optimizer computes it (shifts of 32
    /// or more give 0); the divisor must not be 0.
    /// </summary>
    public static uint Apply(ushort op, uint a, uint b) => op switch
    {
        Opcodes.Add => a + b,
        Opcodes.Sub => a - b,
        Opcodes.Mul => a * b,
        Opcodes.Div => a / b,
        Opcodes.Mod => a % b,
        Opcodes.And => a & b,
        Opcodes.Or => a | b,
        Opcodes.Xor => a ^ b,
        Opcodes.Lsh => BpfSemantics.ShiftLeft(a, b),
        Opcodes.Rsh => BpfSemantics.ShiftRight(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a binary ALU operation"),
    };

    private static void ThrowIfZeroDivisor(ushort op)
    {
        if (op == Opcodes.Div)
        {
            throw Error("division by zero");
        }

        if (op == Opcodes.Mod)
        {
            throw Error("modulus by zero");
        }
    }

    /// <summary>
    /// libpcap's optimizer errors carry no expression position; they are reported at offset 0.
    /// </summary>
    private static FilterCompileException Error(string message) =>
        new(FilterErrorKind.ValueOutOfRange, 0, message);
}
