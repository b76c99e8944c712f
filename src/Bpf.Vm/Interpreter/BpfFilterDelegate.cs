namespace Bpf.Vm;

/// <summary>
/// A compiled filter program: runs it over the captured bytes of one packet and returns what
/// libpcap's <c>bpf_filter</c> would, the number of bytes to keep (0 rejects the packet).
/// </summary>
/// <param name="packet">The captured bytes (may be shorter than the packet on the wire).</param>
/// <param name="wireLength">The packet's length on the wire, what <c>ld #pktlen</c> loads.</param>
public delegate uint BpfFilterDelegate(ReadOnlySpan<byte> packet, uint wireLength);
