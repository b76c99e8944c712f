using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Bpf.Vm.Opcodes;

namespace Bpf.Vm;

/// <summary>
/// Runs a classic BPF program over packets with libpcap 1.10.3's <c>bpf_filter</c> semantics: A, X and
/// M[] start at zero, <c>ld #pktlen</c> is the wire length, loads outside the captured bytes end the
/// program with 0, division by X == 0 returns 0. The program is validated once here; <see cref="Run"/>
/// allocates nothing and keeps no state between calls, so one instance may run on several threads.
/// </summary>
public sealed class BpfInterpreter : BpfRunner
{
    private readonly Instruction[] _program;

    /// <summary>Validates <paramref name="program"/> (<see cref="ValidationProfile.Runnable"/>) and prepares to run it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">
    /// libpcap's <c>bpf_validate</c> rejects the program, or it contains an opcode that <c>bpf_validate</c>
    /// lets through but <c>bpf_filter</c> aborts on (kind <see cref="ValidationErrorKind.UnknownOpcode"/>),
    /// or a jump to itself (<see cref="ValidationErrorKind.JumpToItself"/>).
    /// </exception>
    public BpfInterpreter(BpfProgram program)
        : this(RunnableProgram.Validate(program))
    {
    }

    /// <summary>Prepares to run a program validated already.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    public BpfInterpreter(RunnableProgram program)
        : base(program) => _program = [.. Program];

    /// <summary>
    /// Runs the program over every packet of a batch, writing each result to <paramref name="verdicts"/>
    /// (a <see cref="BpfBatchFilter"/>); returns how many packets it accepted.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="packets"/>.</exception>
    public override int RunBatch(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts)
    {
        BpfBatch.CheckVerdicts(packets.Length, verdicts.Length);
        var accepted = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            ref readonly var packet = ref packets[i];
            var verdict = Run(packet.Data, packet.WireLength);
            verdicts[i] = verdict;
            accepted += verdict != 0 ? 1 : 0;
        }
        return accepted;
    }

    /// <summary>
    /// Runs the program over the captured bytes <paramref name="packet"/> of a packet that was
    /// <paramref name="wireLength"/> bytes long on the wire, and returns the program's result
    /// (the number of bytes to keep; 0 rejects).
    /// </summary>
    public override uint Run(ReadOnlySpan<byte> packet, uint wireLength)
    {
        // Validation guarantees pc stays inside the program (jumps land inside it and the last
        // instruction returns), so the hot loop indexes without bounds checks.
        ref var start = ref MemoryMarshal.GetArrayDataReference(_program);
        uint a = 0, x = 0, value;
        var mem = new ScratchMemory();
        var backwardJumps = 0;
        var pc = 0;
        while (true)
        {
            ref readonly var insn = ref Unsafe.Add(ref start, pc);
            pc++;
            switch (insn.Code)
            {
                case Ret | K: return insn.K;
                case Ret | RetA: return a;

                case Ld | W | Abs:
                    if (!BpfSemantics.TryLoadWord(packet, insn.K, out a)) return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ld | H | Abs:
                    if (!BpfSemantics.TryLoadHalf(packet, insn.K, out a)) return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ld | B | Abs:
                    if (!BpfSemantics.TryLoadByte(packet, insn.K, out a)) return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ld | W | Ind:
                    if (!BpfSemantics.TryIndexedOffset(x, insn.K, out value) || !BpfSemantics.TryLoadWord(packet, value, out a))
                        return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ld | H | Ind:
                    if (!BpfSemantics.TryIndexedOffset(x, insn.K, out value) || !BpfSemantics.TryLoadHalf(packet, value, out a))
                        return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ld | B | Ind:
                    if (!BpfSemantics.TryIndexedOffset(x, insn.K, out value) || !BpfSemantics.TryLoadByte(packet, value, out a))
                        return BpfSemantics.OutOfBoundsResult;
                    continue;
                case Ldx | Msh | B:
                    if (!BpfSemantics.TryLoadByte(packet, insn.K, out value)) return BpfSemantics.OutOfBoundsResult;
                    x = BpfSemantics.HeaderLength(value);
                    continue;
                case Ld | W | Len: a = wireLength; continue;
                case Ldx | W | Len: x = wireLength; continue;
                case Ld | Imm: a = insn.K; continue;
                case Ldx | Imm: x = insn.K; continue;
                // The validator guarantees k < 16 for scratch accesses.
                case Ld | Mem: a = mem[(int)insn.K]; continue;
                case Ldx | Mem: x = mem[(int)insn.K]; continue;
                case St: mem[(int)insn.K] = a; continue;
                case Stx: mem[(int)insn.K] = x; continue;

                case Jmp | Ja:
                    // Validated: pc + k, taken modulo 2^32, lands inside the program (it may be earlier).
                    if ((int)insn.K < 0 && ++backwardJumps > BpfSemantics.MaxBackwardJumps)
                        return BpfSemantics.LoopLimitResult;
                    pc = unchecked((int)((uint)pc + insn.K));
                    continue;
                case Jmp | Jgt | K: pc += a > insn.K ? insn.Jt : insn.Jf; continue;
                case Jmp | Jge | K: pc += a >= insn.K ? insn.Jt : insn.Jf; continue;
                case Jmp | Jeq | K: pc += a == insn.K ? insn.Jt : insn.Jf; continue;
                case Jmp | Jset | K: pc += (a & insn.K) != 0 ? insn.Jt : insn.Jf; continue;
                case Jmp | Jgt | X: pc += a > x ? insn.Jt : insn.Jf; continue;
                case Jmp | Jge | X: pc += a >= x ? insn.Jt : insn.Jf; continue;
                case Jmp | Jeq | X: pc += a == x ? insn.Jt : insn.Jf; continue;
                case Jmp | Jset | X: pc += (a & x) != 0 ? insn.Jt : insn.Jf; continue;

                case Alu | Add | X: a += x; continue;
                case Alu | Sub | X: a -= x; continue;
                case Alu | Mul | X: a *= x; continue;
                case Alu | Div | X:
                    if (!BpfSemantics.TryDivide(a, x, out a)) return BpfSemantics.DivisionByZeroResult;
                    continue;
                case Alu | Mod | X:
                    if (!BpfSemantics.TryModulo(a, x, out a)) return BpfSemantics.DivisionByZeroResult;
                    continue;
                case Alu | And | X: a &= x; continue;
                case Alu | Or | X: a |= x; continue;
                case Alu | Xor | X: a ^= x; continue;
                case Alu | Lsh | X: a = BpfSemantics.ShiftLeft(a, x); continue;
                case Alu | Rsh | X: a = BpfSemantics.ShiftRight(a, x); continue;
                case Alu | Add | K: a += insn.K; continue;
                case Alu | Sub | K: a -= insn.K; continue;
                case Alu | Mul | K: a *= insn.K; continue;
                // Validated: a constant divisor is never 0.
                case Alu | Div | K: a /= insn.K; continue;
                case Alu | Mod | K: a %= insn.K; continue;
                case Alu | And | K: a &= insn.K; continue;
                case Alu | Or | K: a |= insn.K; continue;
                case Alu | Xor | K: a ^= insn.K; continue;
                case Alu | Lsh | K: a = BpfSemantics.ShiftLeftByConstant(a, insn.K); continue;
                case Alu | Rsh | K: a = BpfSemantics.ShiftRightByConstant(a, insn.K); continue;
                case Alu | Neg: a = unchecked(0u - a); continue;

                case Misc | Tax: x = a; continue;
                case Misc | Txa: a = x; continue;

                default:
                    // Unreachable: the constructor admits executable opcodes only.
                    throw new UnreachableException($"opcode 0x{insn.Code:x} at {pc - 1}");
            }
        }
    }
}
