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
    private readonly Step[] _steps;
    // Scratch cells are zeroed per run only when the program reads one.
    private readonly bool _readsMemory;

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
        : base(program)
    {
        _steps = StepDecoder.Decode(Program.AsSpan());
        foreach (var insn in Program)
            _readsMemory |= insn.Code is (Ld | Mem) or (Ldx | Mem);
    }

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
            var verdict = Execute(ref PacketSlice.Start(in packet), (uint)packet.Length, packet.WireLength);
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
    public override uint Run(ReadOnlySpan<byte> packet, uint wireLength) =>
        Execute(ref MemoryMarshal.GetReference(packet), (uint)packet.Length, wireLength);

    // The bytes are read through a reference and the captured length: every load checks its end
    // against the length exactly as bpf_filter does (BpfSemantics), and nothing else is re-checked.
    // Validation guarantees pc stays inside the program (jumps land inside it and the last step
    // returns) and scratch indexes are below 16, so steps and cells are indexed without checks.
    [SkipLocalsInit]
    private uint Execute(ref byte data, uint length, uint wireLength)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(_steps);
        uint a = 0, x = 0;
        Unsafe.SkipInit(out ScratchMemory memory);
        if (_readsMemory)
            memory = default;
        ref var mem = ref Unsafe.As<ScratchMemory, uint>(ref memory);
        var backwardJumps = 0;
        var pc = 0;
        while (true)
        {
            ref readonly var s = ref Unsafe.Add(ref start, pc);
            pc++;
            switch (s.Op)
            {
                case StepOp.RetK: return s.K;
                case StepOp.RetA: return a;
                case StepOp.OutOfBounds: return BpfSemantics.OutOfBoundsResult;

                // Decoding turned loads ending past int.MaxValue into OutOfBounds: k + size cannot wrap.
                case StepOp.LdW:
                    if (s.K + 4 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, s.K);
                    continue;
                case StepOp.LdH:
                    if (s.K + 2 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, s.K);
                    continue;
                case StepOp.LdB:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, s.K);
                    continue;
                case StepOp.LdWInd:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 4, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, x + s.K);
                    continue;
                case StepOp.LdHInd:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 2, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, x + s.K);
                    continue;
                case StepOp.LdBInd:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 1, length)) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, x + s.K);
                    continue;
                case StepOp.LdxMsh:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    x = BpfSemantics.HeaderLength(Unsafe.Add(ref data, s.K));
                    continue;
                case StepOp.LdLen: a = wireLength; continue;
                case StepOp.LdxLen: x = wireLength; continue;
                case StepOp.LdImm: a = s.K; continue;
                case StepOp.LdxImm: x = s.K; continue;
                case StepOp.LdMem: a = Unsafe.Add(ref mem, s.K); continue;
                case StepOp.LdxMem: x = Unsafe.Add(ref mem, s.K); continue;
                case StepOp.St: Unsafe.Add(ref mem, s.K) = a; continue;
                case StepOp.Stx: Unsafe.Add(ref mem, s.K) = x; continue;

                case StepOp.Ja: pc = s.Jt; continue;
                case StepOp.JaBack:
                    if (++backwardJumps > BpfSemantics.MaxBackwardJumps) return BpfSemantics.LoopLimitResult;
                    pc = s.Jt;
                    continue;
                case StepOp.JeqK: pc = a == s.K ? s.Jt : s.Jf; continue;
                case StepOp.JgtK: pc = a > s.K ? s.Jt : s.Jf; continue;
                case StepOp.JgeK: pc = a >= s.K ? s.Jt : s.Jf; continue;
                case StepOp.JsetK: pc = (a & s.K) != 0 ? s.Jt : s.Jf; continue;
                case StepOp.JeqX: pc = a == x ? s.Jt : s.Jf; continue;
                case StepOp.JgtX: pc = a > x ? s.Jt : s.Jf; continue;
                case StepOp.JgeX: pc = a >= x ? s.Jt : s.Jf; continue;
                case StepOp.JsetX: pc = (a & x) != 0 ? s.Jt : s.Jf; continue;

                case StepOp.AddX: a += x; continue;
                case StepOp.SubX: a -= x; continue;
                case StepOp.MulX: a *= x; continue;
                case StepOp.DivX:
                    if (!BpfSemantics.TryDivide(a, x, out a)) return BpfSemantics.DivisionByZeroResult;
                    continue;
                case StepOp.ModX:
                    if (!BpfSemantics.TryModulo(a, x, out a)) return BpfSemantics.DivisionByZeroResult;
                    continue;
                case StepOp.AndX: a &= x; continue;
                case StepOp.OrX: a |= x; continue;
                case StepOp.XorX: a ^= x; continue;
                case StepOp.LshX: a = BpfSemantics.ShiftLeft(a, x); continue;
                case StepOp.RshX: a = BpfSemantics.ShiftRight(a, x); continue;
                case StepOp.AddK: a += s.K; continue;
                case StepOp.SubK: a -= s.K; continue;
                case StepOp.MulK: a *= s.K; continue;
                // Validated: a constant divisor is never 0.
                case StepOp.DivK: a /= s.K; continue;
                case StepOp.ModK: a %= s.K; continue;
                case StepOp.AndK: a &= s.K; continue;
                case StepOp.OrK: a |= s.K; continue;
                case StepOp.XorK: a ^= s.K; continue;
                case StepOp.LshK: a = BpfSemantics.ShiftLeftByConstant(a, s.K); continue;
                case StepOp.RshK: a = BpfSemantics.ShiftRightByConstant(a, s.K); continue;
                case StepOp.Neg: a = unchecked(0u - a); continue;
                case StepOp.Tax: x = a; continue;
                case StepOp.Txa: a = x; continue;

                // Fused: the load (A keeps its value), then the jump on the constant K2.
                case StepOp.LdWJeq:
                    if (s.K + 4 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, s.K);
                    pc = a == s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdWJgt:
                    if (s.K + 4 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, s.K);
                    pc = a > s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdWJge:
                    if (s.K + 4 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, s.K);
                    pc = a >= s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdWJset:
                    if (s.K + 4 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadWord(ref data, s.K);
                    pc = (a & s.K2) != 0 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHJeq:
                    if (s.K + 2 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, s.K);
                    pc = a == s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHJgt:
                    if (s.K + 2 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, s.K);
                    pc = a > s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHJge:
                    if (s.K + 2 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, s.K);
                    pc = a >= s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHJset:
                    if (s.K + 2 > length) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, s.K);
                    pc = (a & s.K2) != 0 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdBJeq:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, s.K);
                    pc = a == s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdBJgt:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, s.K);
                    pc = a > s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdBJge:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, s.K);
                    pc = a >= s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdBJset:
                    if (s.K >= length) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, s.K);
                    pc = (a & s.K2) != 0 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHIndJeq:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 2, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, x + s.K);
                    pc = a == s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHIndJgt:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 2, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, x + s.K);
                    pc = a > s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHIndJge:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 2, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, x + s.K);
                    pc = a >= s.K2 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdHIndJset:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 2, length)) return BpfSemantics.OutOfBoundsResult;
                    a = BpfSemantics.ReadHalf(ref data, x + s.K);
                    pc = (a & s.K2) != 0 ? s.Jt : s.Jf;
                    continue;
                case StepOp.LdBIndJeq:
                    if (!BpfSemantics.FitsIndexed(x, s.K, 1, length)) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, x + s.K);
                    pc = a == s.K2 ? s.Jt : s.Jf;
                    continue;
                default:
                    // StepOp.LdBIndJset, the last fused step (the decoder makes no other).
                    if (!BpfSemantics.FitsIndexed(x, s.K, 1, length)) return BpfSemantics.OutOfBoundsResult;
                    a = Unsafe.Add(ref data, x + s.K);
                    pc = (a & s.K2) != 0 ? s.Jt : s.Jf;
                    continue;
            }
        }
    }
}
