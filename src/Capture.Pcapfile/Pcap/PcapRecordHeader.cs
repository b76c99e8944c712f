using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Capture.Pcapfile.Pcap;

/// <summary>
/// The header before each packet of a pcap file: seconds, fraction (micro- or nanoseconds, per the
/// file's magic), captured length, original length; Kuznetzov files add 8 bytes (ifindex, protocol,
/// packet type) that libpcap skips.
/// </summary>
public readonly record struct PcapRecordHeader
{
    /// <summary>Size of a standard record header.</summary>
    public const int Size = 16;
    /// <summary>Size of a record header in a <see cref="PcapFileHeader.KuznetzovMagic"/> file.</summary>
    public const int PatchedSize = 24;

    internal const int SecondsOffset = 0;
    internal const int FractionOffset = 4;
    internal const int CapturedLengthOffset = 8;
    internal const int OriginalLengthOffset = 12;

    /// <summary>
    /// Seconds since the epoch. libpcap reads the field as signed 32 bits in files of this machine's
    /// byte order (<c>struct pcap_timeval</c>) but as unsigned in byte-swapped ones (its
    /// <c>SWAPLONG</c> yields <c>u_int</c>); we do the same so timestamps before 1970 match.
    /// </summary>
    public long Seconds { get; init; }

    /// <summary>Microseconds or nanoseconds, signed or unsigned as <see cref="Seconds"/>.</summary>
    public long Fraction { get; init; }

    /// <summary>Bytes of the packet stored in the file (after undoing old versions' field order).</summary>
    public uint CapturedLength { get; init; }

    /// <summary>The packet's length on the wire.</summary>
    public uint OriginalLength { get; init; }

    /// <summary>The timestamp in nanoseconds since the epoch.</summary>
    public long TimestampNanoseconds(TimestampPrecision precision) =>
        unchecked(Seconds * 1_000_000_000L + (precision == TimestampPrecision.Nanoseconds ? Fraction : Fraction * 1000L));

    /// <summary>
    /// Parses a record header of a file with header <paramref name="file"/>. Returns false when
    /// <paramref name="source"/> is shorter than <see cref="PcapFileHeader.RecordHeaderSize"/>.
    /// Lengths are not checked here: the snapshot-length rules need the reader's state.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> source, in PcapFileHeader file, out PcapRecordHeader header, out int consumed)
    {
        consumed = file.RecordHeaderSize;
        if (source.Length < consumed)
        {
            header = default;
            consumed = 0;
            return false;
        }
        header = Read(source, file.BigEndian, file.LengthOrder);
        return true;
    }

    /// <summary>Reads the fields of a header known to be complete.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static PcapRecordHeader Read(ReadOnlySpan<byte> source, bool bigEndian, LengthOrder order)
    {
        uint seconds, fraction, captured, original;
        if (bigEndian)
        {
            seconds = BinaryPrimitives.ReadUInt32BigEndian(source);
            fraction = BinaryPrimitives.ReadUInt32BigEndian(source[FractionOffset..]);
            captured = BinaryPrimitives.ReadUInt32BigEndian(source[CapturedLengthOffset..]);
            original = BinaryPrimitives.ReadUInt32BigEndian(source[OriginalLengthOffset..]);
        }
        else
        {
            seconds = BinaryPrimitives.ReadUInt32LittleEndian(source);
            fraction = BinaryPrimitives.ReadUInt32LittleEndian(source[FractionOffset..]);
            captured = BinaryPrimitives.ReadUInt32LittleEndian(source[CapturedLengthOffset..]);
            original = BinaryPrimitives.ReadUInt32LittleEndian(source[OriginalLengthOffset..]);
        }
        if (order == LengthOrder.Swapped || (order == LengthOrder.MaybeSwapped && captured > original))
            (captured, original) = (original, captured);
        if (bigEndian == BitConverter.IsLittleEndian)
            return new PcapRecordHeader { Seconds = seconds, Fraction = fraction, CapturedLength = captured, OriginalLength = original };
        return new PcapRecordHeader { Seconds = (int)seconds, Fraction = (int)fraction, CapturedLength = captured, OriginalLength = original };
    }

    /// <summary>Writes a standard little-endian record header.</summary>
    public static void Write(Span<byte> destination, int seconds, int fraction, uint capturedLength, uint originalLength)
    {
        if (destination.Length < Size)
            throw new ArgumentException("destination is shorter than a record header", nameof(destination));
        BinaryPrimitives.WriteInt32LittleEndian(destination, seconds);
        BinaryPrimitives.WriteInt32LittleEndian(destination[FractionOffset..], fraction);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CapturedLengthOffset..], capturedLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[OriginalLengthOffset..], originalLength);
    }
}
