namespace Bpf.Vm;

/// <summary>Which implementation's rules a program is checked against.</summary>
public enum ValidationProfile
{
    /// <summary>libpcap 1.10.3's <c>bpf_validate</c>: what libpcap (and so our interpreter) accepts.</summary>
    Libpcap,

    /// <summary>
    /// Linux's <c>bpf_check_classic</c> (net/core/filter.c), what <c>SO_ATTACH_FILTER</c> accepts: at most
    /// 4096 instructions, forward-only jumps, constant shifts below 32, scratch cells written before
    /// they are read, and only known ancillary loads at or above <c>SKF_AD_OFF</c>.
    /// </summary>
    Kernel,

    /// <summary>
    /// What our engines (and libpcap's <c>bpf_filter</c>) can run: libpcap's rules, plus executable opcodes
    /// only (<c>bpf_validate</c> passes 159 opcodes that <c>bpf_filter</c> aborts on, e.g. <c>0xff</c>) and no
    /// <c>ja</c> that lands on itself (an offset of 2^32 - 1: a loop that can never end). Backward jumps to
    /// earlier instructions stay allowed: libpcap's compiler emits them for <c>protochain</c>.
    /// </summary>
    Runnable,
}
