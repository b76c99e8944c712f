using Bpf.Vm;
using static Bpf.Jit.Tests.Asm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>A hand-written program, a packet and what libpcap's bpf_filter returns for them.</summary>
/// <param name="LibpcapDefined">False when libpcap's result is undefined (it reads its uninitialized
/// scratch memory), so the case checks our engines only.</param>
public sealed record EngineCase(string Name, Instruction[] Program, byte[] Packet, uint WireLength, uint Expected, bool LibpcapDefined = true);

/// <summary>The one case table every engine runs: each semantic corner case of classic BPF.</summary>
internal static class EngineCases
{
    private static readonly byte[] s_five = [1, 2, 3, 4, 5];

    private static EngineCase C(string name, uint expected, byte[] packet, params Instruction[] program) =>
        new(name, program, packet, (uint)packet.Length + 100, expected);

    public static readonly IReadOnlyList<EngineCase> All =
    [
        C("ret #k", 7, [], RetK(7)),
        C("ret #k, all ones", 0xffffffff, [], RetK(0xffffffff)),
        C("ret a, A starts at zero", 0, s_five, RetA()),
        C("ld #pktlen is the wire length", 105, s_five, LdLen(), RetA()),
        C("ldx #pktlen", 105, s_five, LdxLen(), Txa(), RetA()),
        C("ld #pktlen on an empty capture", 100, [], LdLen(), RetA()),
        C("ld [k] word", 0x02030405, s_five, LdAbs(O.W, 1), RetA()),
        C("ld [k] word one byte past the end", 0, s_five, LdAbs(O.W, 2), RetK(1)),
        C("ldh [k] last two bytes", 0x0405, s_five, LdAbs(O.H, 3), RetA()),
        C("ldh [k] past the end", 0, s_five, LdAbs(O.H, 4), RetK(1)),
        C("ldb [k] last byte", 5, s_five, LdAbs(O.B, 4), RetA()),
        C("ldb [k] at the length", 0, s_five, LdAbs(O.B, 5), RetK(1)),
        C("ld [k] offset wraps past 2^32", 0, s_five, LdAbs(O.W, 0xfffffffe), RetK(1)),
        C("ldb [k] largest offset", 0, s_five, LdAbs(O.B, 0xffffffff), RetK(1)),
        C("ldb [k] on an empty capture", 0, [], LdAbs(O.B, 0), RetK(1)),
        C("ld [x+k] word", 0x02030405, s_five, LdxImm(1), LdInd(O.W, 0), RetA()),
        C("ld [x+k] word past the end", 0, s_five, LdxImm(2), LdInd(O.W, 0), RetK(1)),
        C("ldh [x+k]", 0x0405, s_five, LdxImm(1), LdInd(O.H, 2), RetA()),
        C("ldh [x+k] past the end", 0, s_five, LdxImm(2), LdInd(O.H, 2), RetK(1)),
        C("ldb [x+k]", 5, s_five, LdxImm(3), LdInd(O.B, 1), RetA()),
        C("ldb [x+k] X + k wraps to 0", 0, s_five, LdxImm(0xffffffff), LdInd(O.B, 1), RetK(1)),
        C("ld [x+k] X + k wraps to 1", 0, s_five, LdxImm(0xfffffffe), LdInd(O.W, 3), RetK(1)),
        C("ldh [x+k] huge k", 0, s_five, LdxImm(1), LdInd(O.H, 0xffffffff), RetK(1)),
        C("ldxb 4*([k]&0xf)", 20, [0x45, 0], LdxMsh(0), Txa(), RetA()),
        C("ldxb 4*([k]&0xf) past the end", 0, [0x45, 0], LdxMsh(2), RetK(1)),
        C("indexed loads after X changes are checked again", 0, s_five,
            LdxImm(0), LdInd(O.B, 4), LdxImm(10), LdInd(O.B, 0), RetK(1)),
        C("indexed load through a loaded X", 1, [1, 2, 3, 4, 0],
            LdxImm(0), LdInd(O.B, 4), Tax(), LdInd(O.B, 0), RetA()),
        C("indexed load through a loaded X past the end", 0, s_five,
            LdxImm(0), LdInd(O.B, 4), Tax(), LdInd(O.B, 0), RetA()),
        C("a failing load in a block not taken does not reject", 5, s_five,
            LdAbs(O.B, 0), JK(O.Jeq, 1, 0, 1), RetK(5), LdAbs(O.B, 100), RetK(6)),
        C("a failing load in the block taken rejects", 0, [2, 0],
            LdAbs(O.B, 0), JK(O.Jeq, 1, 0, 1), RetK(5), LdAbs(O.B, 100), RetK(6)),
        C("scratch memory starts at zero", 0, s_five, LdImm(5), LdxMem(3), Txa(), RetA()) with { LibpcapDefined = false },
        C("st and ld M[15]", 9, s_five, LdImm(9), St(15), LdImm(1), LdMem(15), RetA()),
        C("stx and ldx M[0]", 4, s_five, LdxImm(4), Stx(0), LdxImm(0), LdxMem(0), Txa(), RetA()),
        C("add, mul, sub", 40, [], LdImm(3), AluK(O.Add, 4), AluK(O.Mul, 6), AluK(O.Sub, 2), RetA()),
        C("sub wraps", 0xffffffff, [], LdImm(0), AluK(O.Sub, 1), RetA()),
        C("add wraps", 1, [], LdImm(0xffffffff), AluK(O.Add, 2), RetA()),
        C("mul wraps", 0xfffffffe, [], LdImm(0x7fffffff), AluK(O.Mul, 2), RetA()),
        C("neg", 0xfffffffb, [], LdImm(5), Neg(), RetA()),
        C("neg of 0x80000000", 0x80000000, [], LdImm(0x80000000), Neg(), RetA()),
        C("div #k", 14, [], LdImm(100), AluK(O.Div, 7), RetA()),
        C("div #k is unsigned", 0x7fffffff, [], LdImm(0xfffffffe), AluK(O.Div, 2), RetA()),
        C("mod #k", 2, [], LdImm(100), AluK(O.Mod, 7), RetA()),
        C("div x", 14, [], LdImm(100), LdxImm(7), AluX(O.Div), RetA()),
        C("mod x", 2, [], LdImm(100), LdxImm(7), AluX(O.Mod), RetA()),
        C("div x by zero returns 0", 0, [], LdImm(100), LdxImm(0), AluX(O.Div), RetK(1)),
        C("mod x by zero returns 0", 0, [], LdImm(100), LdxImm(0), AluX(O.Mod), RetK(1)),
        C("and, or, xor #k", 0xc3, [], LdImm(0xf0), AluK(O.Or, 0x0f), AluK(O.And, 0x3c), AluK(O.Xor, 0xff), RetA()),
        C("and, or, xor x", 0x0e, [], LdImm(12), LdxImm(10), AluX(O.And), LdxImm(6), AluX(O.Or), LdxImm(0),
            AluX(O.Xor), LdxImm(1), AluX(O.Xor), AluK(O.Xor, 1), RetA()),
        C("add, sub, mul x", 36, [], LdImm(3), LdxImm(4), AluX(O.Add), AluX(O.Mul), AluX(O.Sub), AluK(O.Add, 12), RetA()),
        C("lsh #k", 0x100, [], LdImm(1), AluK(O.Lsh, 8), RetA()),
        C("rsh #k", 8, [], LdImm(0x80), AluK(O.Rsh, 4), RetA()),
        C("lsh #k of 33 wraps the count like x86", 2, [], LdImm(1), AluK(O.Lsh, 33), RetA()),
        C("rsh #k of 36 wraps the count like x86", 8, [], LdImm(0x80), AluK(O.Rsh, 36), RetA()),
        C("lsh x by 31", 0x80000000, [], LdImm(1), LdxImm(31), AluX(O.Lsh), RetA()),
        C("lsh x by 32 gives 0", 0, [], LdImm(1), LdxImm(32), AluX(O.Lsh), RetA()),
        C("rsh x by 40 gives 0", 0, [], LdImm(0xffffffff), LdxImm(40), AluX(O.Rsh), RetA()),
        C("rsh x by 0xffffffff gives 0", 0, [], LdImm(0xffffffff), LdxImm(0xffffffff), AluX(O.Rsh), RetA()),
        C("tax and txa", 7, [], LdImm(7), Tax(), LdImm(0), Txa(), RetA()),
        C("jeq #k taken", 1, [], LdImm(5), JK(O.Jeq, 5, 0, 1), RetK(1), RetK(2)),
        C("jeq #k not taken", 2, [], LdImm(6), JK(O.Jeq, 5, 0, 1), RetK(1), RetK(2)),
        C("jgt #k is unsigned", 1, [], LdImm(0xffffffff), JK(O.Jgt, 1, 0, 1), RetK(1), RetK(2)),
        C("jgt #k equal is false", 2, [], LdImm(3), JK(O.Jgt, 3, 0, 1), RetK(1), RetK(2)),
        C("jge #k equal is true", 1, [], LdImm(3), JK(O.Jge, 3, 0, 1), RetK(1), RetK(2)),
        C("jset #k", 1, [], LdImm(6), JK(O.Jset, 2, 0, 1), RetK(1), RetK(2)),
        C("jset #k no common bit", 2, [], LdImm(6), JK(O.Jset, 9, 0, 1), RetK(1), RetK(2)),
        C("jeq x", 1, [], LdImm(6), LdxImm(6), JX(O.Jeq, 0, 1), RetK(1), RetK(2)),
        C("jgt x", 2, [], LdImm(5), LdxImm(6), JX(O.Jgt, 0, 1), RetK(1), RetK(2)),
        C("jge x", 1, [], LdImm(6), LdxImm(6), JX(O.Jge, 0, 1), RetK(1), RetK(2)),
        C("jset x", 2, [], LdImm(4), LdxImm(3), JX(O.Jset, 0, 1), RetK(1), RetK(2)),
        C("jump with jt and jf both forward", 3, [], LdImm(1), JK(O.Jeq, 0, 1, 2), RetK(1), RetK(2), RetK(3)),
        C("jump with equal targets", 2, [], LdImm(1), JK(O.Jeq, 1, 1, 1), RetK(1), RetK(2)),
        C("ja forward", 2, [], Ja(1), RetK(1), RetK(2)),
        C("ja 0", 1, [], Ja(0), RetK(1)),
        C("backward ja loops three times", 3, [],
            LdImm(0), St(0), LdMem(0), AluK(O.Add, 1), St(0), JK(O.Jge, 3, 1, 0), Ja(-5), RetA()),
        C("backward ja walks the packet like protochain", 4, [2, 9, 2, 9, 0, 9],
            LdInd(O.B, 0), JK(O.Jeq, 0, 3, 0), AluX(O.Add), Tax(), Ja(-5), Txa(), RetA()),
        C("a loop that never ends stops at the backward-jump limit", BpfSemantics.LoopLimitResult, [], LdImm(1), Ja(-2), RetK(1))
            with { LibpcapDefined = false },
        C("backward ja walking off the packet returns 0", 0, [2, 9, 2, 9],
            LdInd(O.B, 0), JK(O.Jeq, 0, 3, 0), AluX(O.Add), Tax(), Ja(-5), Txa(), RetA()),
    ];

    private static readonly Dictionary<string, EngineCase> s_byName = All.ToDictionary(c => c.Name);

    public static EngineCase Named(string name) => s_byName[name];
}
