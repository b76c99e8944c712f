namespace Bpf.Verification;

/// <summary>How the verifier models Linux's ancillary loads (<c>ld [vlanp]</c>, <c>ldh [proto]</c>, ...: absolute loads at <c>SKF_AD_OFF + n</c>).</summary>
public enum AncillaryLoads
{
    /// <summary>
    /// As the kernel runs them: each known ancillary offset reads one free input per packet (socket-buffer
    /// metadata such as the stripped VLAN tag), ranged as the kernel fills it (<c>vlanp</c> is 0 or 1,
    /// <c>vlan_tci</c> 16 bits, ...); <c>xor_x</c> is <c>A ^= X</c>.
    /// </summary>
    FreeInputs = 0,

    /// <summary>As libpcap's <c>bpf_filter</c> and our interpreter run them: an offset past the packet, so the program returns 0.</summary>
    OutOfBounds,
}
