namespace Bpf.Vm;

/// <summary>Why a validator rejects a program.</summary>
public enum ValidationErrorKind
{
    /// <summary>The program has no instructions.</summary>
    EmptyProgram,

    /// <summary>Kernel: more than 4096 instructions (<c>BPF_MAXINSNS</c>).</summary>
    TooManyInstructions,

    /// <summary>An opcode the profile does not know, e.g. <c>0xc0</c> (a load with mode 6) or ALU op <c>0xb0</c>.</summary>
    UnknownOpcode,

    /// <summary>A scratch memory index of 16 or more: <c>st M[16]</c>.</summary>
    InvalidScratchIndex,

    /// <summary>Division or modulo by the constant zero: <c>div #0</c>.</summary>
    DivisionByZero,

    /// <summary>A jump target past the last instruction: <c>jeq #1 jt 9</c> in a 5-instruction program.</summary>
    JumpOutOfRange,

    /// <summary>Kernel: a <c>ja</c> whose offset wraps around to an earlier instruction (libpcap allows these).</summary>
    BackwardJump,

    /// <summary>Kernel: a constant shift of 32 or more: <c>lsh #32</c>.</summary>
    ShiftTooLarge,

    /// <summary>Kernel: an absolute load at or above <c>SKF_AD_OFF</c> that is not a known ancillary field: <c>ld [-4095]</c>.</summary>
    UnknownAncillaryLoad,

    /// <summary>Kernel: a scratch cell read on some path before any write to it: <c>ld M[3]</c> first.</summary>
    ScratchReadBeforeWrite,

    /// <summary>The last instruction is not a return.</summary>
    MissingFinalReturn,

    /// <summary>Runnable: a <c>ja</c> whose offset wraps to the jump itself (<c>ja</c> with k = 4294967295), which never ends.</summary>
    JumpToItself,
}
