using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Interop.Libpcap;

/// <summary>
/// <c>struct bpf_program</c>. <see cref="Instruction"/> is laid out exactly like <c>struct bpf_insn</c>
/// (8 bytes), so a program crosses as a pointer to our instructions.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public unsafe struct BpfProgramNative
{
    /// <summary><c>bf_len</c>: the instruction count.</summary>
    public uint Length;

    /// <summary><c>bf_insns</c>.</summary>
    public Instruction* Instructions;

    /// <summary>A copy of the instructions.</summary>
    public readonly Instruction[] ToArray() => new ReadOnlySpan<Instruction>(Instructions, (int)Length).ToArray();
}

/// <summary>
/// <c>struct pcap_pkthdr</c> on LP64 Unix (<c>struct timeval</c> of two longs); Capture.Npcap reads the
/// header by platform instead, for Windows' 32-bit longs.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct PcapPacketHeader
{
    /// <summary><c>ts.tv_sec</c>.</summary>
    public nint Seconds;

    /// <summary><c>ts.tv_usec</c> (nanoseconds on a handle opened with nanosecond precision).</summary>
    public nint Fraction;

    /// <summary><c>caplen</c>: the bytes captured.</summary>
    public uint CaptureLength;

    /// <summary><c>len</c>: the packet's length on the wire.</summary>
    public uint WireLength;
}

/// <summary><c>struct pcap_stat</c> (Npcap appends <c>ps_capt</c>, hence the spare field).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct PcapStat
{
    /// <summary><c>ps_recv</c>.</summary>
    public uint Received;

    /// <summary><c>ps_drop</c>.</summary>
    public uint Dropped;

    /// <summary><c>ps_ifdrop</c>.</summary>
    public uint InterfaceDropped;

    /// <summary><c>ps_capt</c> (Npcap only).</summary>
    public uint Captured;
}
