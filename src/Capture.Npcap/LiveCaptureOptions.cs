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
    /// Deliver every packet as soon as it arrives instead of batching (libpcap's immediate mode).
    /// On by default: with it, reads also honour <see cref="ReadTimeout"/> on Linux.
    /// </summary>
    public bool Immediate { get; init; } = true;

    /// <summary>
    /// How long a read waits for a packet before reporting a timeout
    /// (<see cref="Timeout.InfiniteTimeSpan"/> waits until a packet arrives or the device closes).
    /// Also the reporting interval of statistics mode.
    /// </summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The capture buffer size in bytes (<c>pcap_set_buffer_size</c>); the platform default when null.</summary>
    public int? BufferSize { get; init; }

    /// <summary>Npcap only: the driver's kernel buffer in bytes (<c>pcap_setbuff</c>); ignored elsewhere.</summary>
    public int? KernelBufferSize { get; init; }

    /// <summary>
    /// Npcap only: the least amount of data the driver gathers before waking a read
    /// (<c>pcap_setmintocopy</c>); ignored elsewhere, and overridden by <see cref="Immediate"/>.
    /// </summary>
    public int? MinToCopy { get; init; }

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
