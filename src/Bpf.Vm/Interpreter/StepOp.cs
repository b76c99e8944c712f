namespace Bpf.Vm;

/// <summary>
/// The interpreter's instruction set: classic BPF opcodes renumbered densely (so the run loop's switch
/// is one jump table), with the most common pair, a packet load followed by a conditional jump on a
/// constant, fused into one step.
/// </summary>
internal enum StepOp : byte
{
    /// <summary><c>ret #k</c>.</summary>
    RetK,
    /// <summary><c>ret a</c>.</summary>
    RetA,
    /// <summary>A load that can never be in bounds (<c>ld [4294967295]</c>): returns <see cref="BpfSemantics.OutOfBoundsResult"/>.</summary>
    OutOfBounds,

    /// <summary><c>ld [k]</c>.</summary>
    LdW,
    /// <summary><c>ldh [k]</c>.</summary>
    LdH,
    /// <summary><c>ldb [k]</c>.</summary>
    LdB,
    /// <summary><c>ld [x + k]</c>.</summary>
    LdWInd,
    /// <summary><c>ldh [x + k]</c>.</summary>
    LdHInd,
    /// <summary><c>ldb [x + k]</c>.</summary>
    LdBInd,
    /// <summary><c>ld #pktlen</c>.</summary>
    LdLen,
    /// <summary><c>ld #k</c>.</summary>
    LdImm,
    /// <summary><c>ld M[k]</c>.</summary>
    LdMem,
    /// <summary><c>ldxb 4*([k]&amp;0xf)</c>.</summary>
    LdxMsh,
    /// <summary><c>ldx #pktlen</c>.</summary>
    LdxLen,
    /// <summary><c>ldx #k</c>.</summary>
    LdxImm,
    /// <summary><c>ldx M[k]</c>.</summary>
    LdxMem,
    /// <summary><c>st M[k]</c>.</summary>
    St,
    /// <summary><c>stx M[k]</c>.</summary>
    Stx,

    /// <summary><c>ja L</c>, forward.</summary>
    Ja,
    /// <summary><c>ja L</c> to an earlier instruction (protochain's loop), counted against <see cref="BpfSemantics.MaxBackwardJumps"/>.</summary>
    JaBack,
    /// <summary><c>jeq #k, Lt, Lf</c>.</summary>
    JeqK,
    /// <summary><c>jgt #k, Lt, Lf</c>.</summary>
    JgtK,
    /// <summary><c>jge #k, Lt, Lf</c>.</summary>
    JgeK,
    /// <summary><c>jset #k, Lt, Lf</c>.</summary>
    JsetK,
    /// <summary><c>jeq x, Lt, Lf</c>.</summary>
    JeqX,
    /// <summary><c>jgt x, Lt, Lf</c>.</summary>
    JgtX,
    /// <summary><c>jge x, Lt, Lf</c>.</summary>
    JgeX,
    /// <summary><c>jset x, Lt, Lf</c>.</summary>
    JsetX,

    /// <summary><c>add x</c>.</summary>
    AddX,
    /// <summary><c>sub x</c>.</summary>
    SubX,
    /// <summary><c>mul x</c>.</summary>
    MulX,
    /// <summary><c>div x</c> (X = 0 returns <see cref="BpfSemantics.DivisionByZeroResult"/>).</summary>
    DivX,
    /// <summary><c>mod x</c> (X = 0 returns <see cref="BpfSemantics.DivisionByZeroResult"/>).</summary>
    ModX,
    /// <summary><c>and x</c>.</summary>
    AndX,
    /// <summary><c>or x</c>.</summary>
    OrX,
    /// <summary><c>xor x</c>.</summary>
    XorX,
    /// <summary><c>lsh x</c> (X &gt;= 32 gives 0).</summary>
    LshX,
    /// <summary><c>rsh x</c> (X &gt;= 32 gives 0).</summary>
    RshX,
    /// <summary><c>add #k</c>.</summary>
    AddK,
    /// <summary><c>sub #k</c>.</summary>
    SubK,
    /// <summary><c>mul #k</c>.</summary>
    MulK,
    /// <summary><c>div #k</c> (validated: k is not 0).</summary>
    DivK,
    /// <summary><c>mod #k</c> (validated: k is not 0).</summary>
    ModK,
    /// <summary><c>and #k</c>.</summary>
    AndK,
    /// <summary><c>or #k</c>.</summary>
    OrK,
    /// <summary><c>xor #k</c>.</summary>
    XorK,
    /// <summary><c>lsh #k</c> (k taken modulo 32).</summary>
    LshK,
    /// <summary><c>rsh #k</c> (k taken modulo 32).</summary>
    RshK,
    /// <summary><c>neg</c>.</summary>
    Neg,
    /// <summary><c>tax</c>.</summary>
    Tax,
    /// <summary><c>txa</c>.</summary>
    Txa,

    /// <summary><c>ld [k]; jeq #k2, Lt, Lf</c> in one step (A keeps the loaded word).</summary>
    LdWJeq,
    /// <summary><c>ld [k]; jgt #k2, Lt, Lf</c>.</summary>
    LdWJgt,
    /// <summary><c>ld [k]; jge #k2, Lt, Lf</c>.</summary>
    LdWJge,
    /// <summary><c>ld [k]; jset #k2, Lt, Lf</c>.</summary>
    LdWJset,
    /// <summary><c>ldh [k]; jeq #k2, Lt, Lf</c>.</summary>
    LdHJeq,
    /// <summary><c>ldh [k]; jgt #k2, Lt, Lf</c>.</summary>
    LdHJgt,
    /// <summary><c>ldh [k]; jge #k2, Lt, Lf</c>.</summary>
    LdHJge,
    /// <summary><c>ldh [k]; jset #k2, Lt, Lf</c>.</summary>
    LdHJset,
    /// <summary><c>ldb [k]; jeq #k2, Lt, Lf</c>.</summary>
    LdBJeq,
    /// <summary><c>ldb [k]; jgt #k2, Lt, Lf</c>.</summary>
    LdBJgt,
    /// <summary><c>ldb [k]; jge #k2, Lt, Lf</c>.</summary>
    LdBJge,
    /// <summary><c>ldb [k]; jset #k2, Lt, Lf</c>.</summary>
    LdBJset,
    /// <summary><c>ldh [x + k]; jeq #k2, Lt, Lf</c> (the port tests after <c>ldxb 4*([14]&amp;0xf)</c>).</summary>
    LdHIndJeq,
    /// <summary><c>ldh [x + k]; jgt #k2, Lt, Lf</c>.</summary>
    LdHIndJgt,
    /// <summary><c>ldh [x + k]; jge #k2, Lt, Lf</c>.</summary>
    LdHIndJge,
    /// <summary><c>ldh [x + k]; jset #k2, Lt, Lf</c>.</summary>
    LdHIndJset,
    /// <summary><c>ldb [x + k]; jeq #k2, Lt, Lf</c>.</summary>
    LdBIndJeq,
    /// <summary><c>ldb [x + k]; jset #k2, Lt, Lf</c> (TCP flag tests).</summary>
    LdBIndJset,
}

/// <summary>
/// One decoded step: the operation, its operands, and absolute jump targets (the index of the next
/// step to run when the condition holds or not; for <c>ja</c>, <see cref="Jt"/>).
/// </summary>
/// <param name="Op">What to do.</param>
/// <param name="K">The instruction's k (for a fused step, the load's offset).</param>
/// <param name="K2">A fused step's comparison constant.</param>
/// <param name="Jt">Where to go when the condition holds.</param>
/// <param name="Jf">Where to go when it does not.</param>
internal readonly record struct Step(StepOp Op, uint K, uint K2, int Jt, int Jf);
