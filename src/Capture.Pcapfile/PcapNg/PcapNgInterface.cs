using System.Runtime.CompilerServices;
using Bpf.Vm;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// What a pcapng Interface Description Block says about the packets of its interface: link type,
/// snapshot length, and how to turn a raw timestamp into nanoseconds (<c>if_tsresol</c>,
/// <c>if_tsoffset</c>).
/// </summary>
public readonly record struct PcapNgInterface
{
    private const ulong NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Creates an interface description.</summary>
    /// <param name="linkType">The interface's link type.</param>
    /// <param name="snaplen">The snapshot length after libpcap's adjustment (never 0).</param>
    /// <param name="unitsPerSecond">Timestamp units per second (10^k or 2^k).</param>
    /// <param name="binary">True for a power-of-2 resolution.</param>
    /// <param name="offsetSeconds">if_tsoffset: seconds added to every timestamp.</param>
    /// <param name="fcsLength">if_fcslen in bytes, when present.</param>
    public PcapNgInterface(LinkType linkType, int snaplen, ulong unitsPerSecond, bool binary, ulong offsetSeconds, int? fcsLength)
    {
        ArgumentOutOfRangeException.ThrowIfZero(unitsPerSecond);
        LinkType = linkType;
        Snaplen = snaplen;
        UnitsPerSecond = unitsPerSecond;
        BinaryResolution = binary;
        OffsetSeconds = offsetSeconds;
        FcsLength = fcsLength;
        _nanosecondsPerUnit = !binary && unitsPerSecond <= NanosecondsPerSecond ? NanosecondsPerSecond / unitsPerSecond : 0;
    }

    // For decimal resolutions of a nanosecond or coarser, the only per-packet work is one multiply.
    private readonly ulong _nanosecondsPerUnit;

    /// <summary>The link type of the interface's packets.</summary>
    public LinkType LinkType { get; }

    /// <summary>The snapshot length (0 in the file becomes the link type's maximum, as in libpcap).</summary>
    public int Snaplen { get; }

    /// <summary>Timestamp units per second (1,000,000 unless if_tsresol says otherwise).</summary>
    public ulong UnitsPerSecond { get; }

    /// <summary>True when if_tsresol gave a power of 2.</summary>
    public bool BinaryResolution { get; }

    /// <summary>if_tsoffset in seconds.</summary>
    public ulong OffsetSeconds { get; }

    /// <summary>The FCS length in bytes, when if_fcslen gives it.</summary>
    public int? FcsLength { get; }

    /// <summary>Microseconds when the resolution is no finer, otherwise nanoseconds.</summary>
    public TimestampPrecision Precision =>
        UnitsPerSecond <= 1_000_000 ? TimestampPrecision.Microseconds : TimestampPrecision.Nanoseconds;

    /// <summary>
    /// Converts a raw timestamp to nanoseconds since the epoch with libpcap's arithmetic (seconds =
    /// raw / resolution + offset, then the fraction scaled), wrapping like libpcap's <c>time_t</c> for
    /// absurd values, but without its 64-bit overflow for power-of-2 resolutions finer than 2^-34.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long ToNanoseconds(ulong raw)
    {
        var units = UnitsPerSecond;
        var offset = OffsetSeconds * NanosecondsPerSecond;
        if (_nanosecondsPerUnit != 0)
        {
            // (raw / units) * 10^9 + (raw % units) * (10^9 / units) is raw * (10^9 / units), without a division.
            return unchecked((long)(raw * _nanosecondsPerUnit + offset));
        }
        if (BinaryResolution)
        {
            var shift = System.Numerics.BitOperations.Log2(units);
            var fraction = raw & (units - 1);
            return unchecked((long)((raw >> shift) * NanosecondsPerSecond + offset + (ulong)((UInt128)fraction * NanosecondsPerSecond >> shift)));
        }
        var (seconds, rest) = Math.DivRem(raw, units);
        return unchecked((long)(seconds * NanosecondsPerSecond + offset + rest / (units / NanosecondsPerSecond)));
    }
}
