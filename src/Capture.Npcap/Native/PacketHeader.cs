namespace Capture.Npcap.Native;

/// <summary>
/// Reads libpcap's <c>struct pcap_pkthdr { struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len; }</c>
/// in place, without SharpPcap's per-packet header object. <c>struct timeval</c> differs per platform:
/// two 32-bit longs on Windows, two native longs on Linux, a 64-bit seconds and a 32-bit
/// microseconds field (padded to 16 bytes) on macOS.
/// </summary>
internal static unsafe class PacketHeader
{
    private static readonly int s_timevalSize = OperatingSystem.IsWindows() ? 8 : 2 * IntPtr.Size;

    /// <summary>Reads the header at <paramref name="header"/>.</summary>
    /// <param name="header">The <c>pcap_pkthdr*</c> from <c>pcap_next_ex</c>.</param>
    /// <param name="nanoseconds">True when the handle delivers nanosecond time stamps.</param>
    /// <param name="timestamp">Nanoseconds since the Unix epoch.</param>
    /// <param name="captureLength">Bytes captured.</param>
    /// <param name="wireLength">Bytes on the wire.</param>
    public static void Read(IntPtr header, bool nanoseconds, out long timestamp, out uint captureLength, out uint wireLength)
    {
        var p = (byte*)header;
        long seconds, fraction;
        if (OperatingSystem.IsWindows())
        {
            seconds = (uint)*(int*)p; // 32-bit long: treat as unsigned, it is past 1970
            fraction = *(int*)(p + 4);
        }
        else
        {
            seconds = *(nint*)p;
            fraction = OperatingSystem.IsMacOS() ? *(int*)(p + IntPtr.Size) : *(nint*)(p + IntPtr.Size);
        }
        timestamp = seconds * 1_000_000_000 + (nanoseconds ? fraction : fraction * 1_000);
        captureLength = *(uint*)(p + s_timevalSize);
        wireLength = *(uint*)(p + s_timevalSize + 4);
    }

    /// <summary>The size of the header on this platform (for tests that build one).</summary>
    public static int Size => s_timevalSize + 8;

    /// <summary>Writes a header the way libpcap lays it out (tests only).</summary>
    internal static void Write(Span<byte> destination, long seconds, long fraction, uint captureLength, uint wireLength)
    {
        destination[..Size].Clear();
        fixed (byte* p = destination)
        {
            if (OperatingSystem.IsWindows())
            {
                *(int*)p = (int)seconds;
                *(int*)(p + 4) = (int)fraction;
            }
            else
            {
                *(nint*)p = (nint)seconds;
                if (OperatingSystem.IsMacOS())
                    *(int*)(p + IntPtr.Size) = (int)fraction;
                else
                    *(nint*)(p + IntPtr.Size) = (nint)fraction;
            }
            *(uint*)(p + s_timevalSize) = captureLength;
            *(uint*)(p + s_timevalSize + 4) = wireLength;
        }
    }
}
