namespace Capture.Npcap;

/// <summary>How to open a live device (<see cref="LiveDevice.Open(string, LiveCaptureOptions?)"/>).</summary>
public sealed record LiveCaptureOptions
{
    /// <summary>libpcap's default snapshot length, what <c>tcpdump</c> uses.</summary>
    public const int DefaultSnaplen = 262144;

    /// <summary>Bytes kept per packet (at most); <see cref="DefaultSnaplen"/> unless set.</summary>
    public int Snaplen { get; init; } = DefaultSnaplen;

    /// <summary>Capture traffic not addressed to this host too.</summary>
    public bool Promiscuous { get; init; }

    /// <summary>
    /// Deliver every packet as soon as it arrives instead of in blocks (libpcap's immediate mode). Off by
    /// default, as in libpcap and in tcpdump writing a file: on Linux immediate mode gets the TPACKET_V2
    /// ring of fixed frames as large as the snapshot length (8 frames in 2 MiB at 262144 bytes), while
    /// buffered delivery gets TPACKET_V3, whose blocks hold as many packets as fit, delivered when a block
    /// fills or the <see cref="ReadTimeout"/> passes. Turn it on where a person or a request waits for
    /// each packet, with a small <see cref="Snaplen"/> or a large <see cref="BufferSize"/>.
    /// </summary>
    public bool Immediate { get; init; }

    /// <summary>
    /// How long a read waits for a packet before reporting a timeout
    /// (<see cref="Timeout.InfiniteTimeSpan"/> waits until a packet arrives or the device closes).
    /// Also the reporting interval of statistics mode.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The capture buffer size in bytes (<c>pcap_set_buffer_size</c>); the platform default when null.</summary>
    public int? BufferSize { get; init; }

    /// <summary>
    /// Npcap only: the driver's kernel buffer in bytes (<c>pcap_setbuff</c>); ignored elsewhere. When
    /// neither this nor <see cref="BufferSize"/> is set, <see cref="NpcapDefaultKernelBufferSize"/>.
    /// </summary>
    public int? KernelBufferSize { get; init; }

    /// <summary>
    /// Npcap only: the least amount of data the driver gathers before waking a read
    /// (<c>pcap_setmintocopy</c>); ignored elsewhere, and 0 in <see cref="Immediate"/> mode.
    /// <see cref="NpcapDefaultMinToCopy"/> when not set.
    /// </summary>
    public int? MinToCopy { get; init; }

    /// <summary>
    /// The Npcap kernel buffer we ask for by default: 2 MiB, Wireshark's (dumpcap's) default there and
    /// libpcap's default on Linux. tcpdump on Windows leaves libpcap's 1,000,000 bytes, which Npcap splits
    /// into one segment per CPU (nmap/npcap#317), so on many cores each segment fills and drops early.
    /// </summary>
    public const int NpcapDefaultKernelBufferSize = 2 << 20;

    /// <summary>
    /// The MinToCopy we ask for by default outside immediate mode: 16000 bytes, what libpcap's Npcap
    /// backend sets (pcap-npf.c), so tcpdump and Wireshark both run with it: a read wakes when that much
    /// is waiting or at the read timeout, instead of once per packet.
    /// </summary>
    public const int NpcapDefaultMinToCopy = 16000;

    /// <summary>Ask for nanosecond time stamps (falls back to microseconds where unsupported).</summary>
    public bool NanosecondTimestamps { get; init; } = true;

    /// <summary>The read timeout in libpcap's milliseconds (0 = wait forever).</summary>
    internal int TimeoutMilliseconds
    {
        get
        {
            if (ReadTimeout == Timeout.InfiniteTimeSpan)
                return 0;
            var ms = ReadTimeout.TotalMilliseconds;
            if (ms < 1 || ms > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(ReadTimeout), ReadTimeout, "the read timeout must be between 1 ms and int.MaxValue ms, or infinite");
            return (int)Math.Ceiling(ms);
        }
    }

    /// <summary>Checks the values a driver would otherwise reject with a less helpful message.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal void Validate()
    {
        if (Snaplen < 1)
            throw new ArgumentOutOfRangeException(nameof(Snaplen), Snaplen, "the snapshot length must be positive");
        _ = TimeoutMilliseconds;
        if (BufferSize is < 1)
            throw new ArgumentOutOfRangeException(nameof(BufferSize), BufferSize, "the buffer size must be positive");
        if (KernelBufferSize is < 1)
            throw new ArgumentOutOfRangeException(nameof(KernelBufferSize), KernelBufferSize, "the kernel buffer size must be positive");
        if (MinToCopy is < 0)
            throw new ArgumentOutOfRangeException(nameof(MinToCopy), MinToCopy, "MinToCopy must not be negative");
    }
}
