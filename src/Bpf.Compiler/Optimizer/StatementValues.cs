using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// libpcap's <c>opt_stmt</c>: the symbolic value of one statement, stored into the atom values,
/// and (when altering) constant folding, strength reduction and redundant-load removal in place.
/// </summary>
internal static class StatementValues
{
    /// <summary>
    /// Evaluates <paramref name="s"/> over <paramref name="val"/>; rewrites it when <paramref name="alter"/>
    /// (otherwise a rewrite it would make is recorded: <see cref="FlowGraph.Rewrites"/>).
    /// </summary>
    /// <exception cref="FilterCompileException">Constant division, modulus or shift out of range.</exception>
    public static void Evaluate(FlowGraph graph, Stmt s, uint[] val, bool alter)
    {
        ValueTable vt = graph.Values;
        const ushort ldImm = Opcodes.Ld | Opcodes.Imm;
        switch (s.Code)
        {
            case Opcodes.Ld | Opcodes.Abs | Opcodes.W:
            case Opcodes.Ld | Opcodes.Abs | Opcodes.H:
            case Opcodes.Ld | Opcodes.Abs | Opcodes.B:
                Store(graph, s, ref val[Atoms.A], vt.Number(s.Code, s.K, 0), alter);
                break;

            case Opcodes.Ld | Opcodes.Ind | Opcodes.W:
            case Opcodes.Ld | Opcodes.Ind | Opcodes.H:
            case Opcodes.Ld | Opcodes.Ind | Opcodes.B:
            {
                var v = val[Atoms.X];
                if (vt.IsConst(v) && graph.Rewrites(alter))
                {
                    s.Code = (ushort)(Opcodes.Ld | Opcodes.Abs | Opcodes.SizeOf(s.Code));
                    s.K += vt.ConstValue(v);
                    v = vt.Number(s.Code, s.K, 0);
                    graph.Changed();
                }
                else
                {
                    v = vt.Number(s.Code, s.K, v);
                }

                Store(graph, s, ref val[Atoms.A], v, alter);
                break;
            }

            case Opcodes.Ld | Opcodes.Len:
                Store(graph, s, ref val[Atoms.A], vt.Number(s.Code, 0, 0), alter);
                break;

            case ldImm:
                Store(graph, s, ref val[Atoms.A], vt.Constant(s.K), alter);
                break;

            case Opcodes.Ldx | Opcodes.Imm:
                Store(graph, s, ref val[Atoms.X], vt.Constant(s.K), alter);
                break;

            case Opcodes.Ldx | Opcodes.Msh | Opcodes.B:
                Store(graph, s, ref val[Atoms.X], vt.Number(s.Code, s.K, 0), alter);
                break;

            case Opcodes.Alu | Opcodes.Neg:
                if (vt.IsConst(val[Atoms.A]) && graph.Rewrites(alter))
                {
                    s.Code = ldImm;
                    s.K = 0u - vt.ConstValue(val[Atoms.A]);
                    val[Atoms.A] = vt.Constant(s.K);
                }
                else
                {
                    val[Atoms.A] = vt.Number(s.Code, val[Atoms.A], 0);
                }

                break;

            case Opcodes.Misc | Opcodes.Txa:
                Store(graph, s, ref val[Atoms.A], val[Atoms.X], alter);
                break;

            case Opcodes.Misc | Opcodes.Tax:
                Store(graph, s, ref val[Atoms.X], val[Atoms.A], alter);
                break;

            case Opcodes.Ld | Opcodes.Mem:
                LoadMemory(graph, s, val, Atoms.A, ldImm, alter);
                break;

            case Opcodes.Ldx | Opcodes.Mem:
                LoadMemory(graph, s, val, Atoms.X, Opcodes.Ldx | Opcodes.Imm, alter);
                break;

            case Opcodes.St:
                Store(graph, s, ref val[s.K], val[Atoms.A], alter);
                break;

            case Opcodes.Stx:
                Store(graph, s, ref val[s.K], val[Atoms.X], alter);
                break;

            default:
                if (Opcodes.ClassOf(s.Code) == Opcodes.Alu && IsBinary(s.Code))
                {
                    if (Opcodes.SrcOf(s.Code) == Opcodes.K)
                    {
                        ArithmeticFolding.WithConstant(graph, s, val, alter);
                    }
                    else
                    {
                        ArithmeticFolding.WithIndex(graph, s, val, alter);
                    }
                }

                // Anything else (statements libpcap's code generator never emits) leaves the values
                // alone, exactly as libpcap's switch does.
                break;
        }
    }

    /// <summary>libpcap's <c>vstore</c>: a store of the value already there becomes a NOP.</summary>
    public static void Store(FlowGraph graph, Stmt s, ref uint slot, uint newValue, bool alter)
    {
        if (newValue != ValueTable.Unknown && slot == newValue && graph.Rewrites(alter))
        {
            s.Code = Stmt.Nop;
        }
        else
        {
            slot = newValue;
        }
    }

    private static void LoadMemory(FlowGraph graph, Stmt s, uint[] val, int register, ushort immediate, bool alter)
    {
        var v = val[s.K];
        if (graph.Values.IsConst(v) && graph.Rewrites(alter))
        {
            s.Code = immediate;
            s.K = graph.Values.ConstValue(v);
            graph.Changed();
        }

        Store(graph, s, ref val[register], v, alter);
    }

    private static bool IsBinary(ushort code) => Opcodes.OpOf(code) switch
    {
        Opcodes.Add or Opcodes.Sub or Opcodes.Mul or Opcodes.Div or Opcodes.Mod
            or Opcodes.And or Opcodes.Or or Opcodes.Xor or Opcodes.Lsh or Opcodes.Rsh => true,
        _ => false,
    };
}
