using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// The 8-byte start every pcapng block shares (block type, total length) and the 4-byte trailer
/// repeating the length (draft-ietf-opsawg-pcapng section 3.1), with libpcap's checks (sf-pcapng.c
/// <c>read_block</c>).
/// </summary>
public readonly record struct PcapNgBlockHeader
{
    /// <summary>Block type and total length.</summary>
    public const int Size = 8;
    /// <summary>The trailing copy of the total length.</summary>
    public const int TrailerSize = 4;
    /// <summary>The shortest block: header plus trailer.</summary>
    public const int MinimumLength = Size + TrailerSize;

    internal const int TypeOffset = 0;
    internal const int TotalLengthOffset = 4;
    internal const int ByteOrderMagicOffset = 8;

    /// <summary>Section Header Block; the value reads the same in both byte orders.</summary>
    public const uint SectionHeaderType = 0x0A0D0D0A;
    /// <summary>Interface Description Block.</summary>
    public const uint InterfaceDescriptionType = 0x00000001;
    /// <summary>The obsolete Packet Block.</summary>
    public const uint PacketType = 0x00000002;
    /// <summary>Simple Packet Block.</summary>
    public const uint SimplePacketType = 0x00000003;
    /// <summary>Enhanced Packet Block.</summary>
    public const uint EnhancedPacketType = 0x00000006;
    /// <summary>The Section Header Block's byte-order magic, as written by the section's writer.</summary>
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>The block type.</summary>
    public uint Type { get; init; }

    /// <summary>The total length including header and trailer (a multiple of 4).</summary>
    public uint TotalLength { get; init; }

    /// <summary>The byte order of the block: a Section Header Block sets its own, others use their section's.</summary>
    public bool BigEndian { get; init; }

    /// <summary>True when the span starts with a Section Header Block type.</summary>
    public static bool IsSectionHeader(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) == SectionHeaderType;

    /// <summary>
    /// Parses a block header in a section of byte order <paramref name="sectionBigEndian"/>. Returns
    /// false when <paramref name="source"/> is too short to hold it (8 bytes, 12 for a Section Header
    /// Block whose byte-order magic decides how to read its length).
    /// </summary>
    /// <param name="source">The bytes from the block's start.</param>
    /// <param name="sectionBigEndian">The byte order of the current section.</param>
    /// <param name="maxLength">The largest total length accepted (libpcap's maximum block size).</param>
    /// <param name="offset">The block's file offset, for error messages.</param>
    /// <param name="header">The parsed header.</param>
    /// <exception cref="InvalidDataException">Bad byte-order magic, or a length that is too small,
    /// not a multiple of 4, or too large.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryRead(ReadOnlySpan<byte> source, bool sectionBigEndian, uint maxLength, long offset, out PcapNgBlockHeader header)
    {
        header = default;
        if (source.Length < Size)
            return false;
        var bigEndian = sectionBigEndian;
        var type = Read32(source, bigEndian);
        if (type == SectionHeaderType)
        {
            if (source.Length < Size + 4)
                return false;
            var magic = BinaryPrimitives.ReadUInt32LittleEndian(source[ByteOrderMagicOffset..]);
            if (magic == ByteOrderMagic)
                bigEndian = false;
            else if (magic == BinaryPrimitives.ReverseEndianness(ByteOrderMagic))
                bigEndian = true;
            else
                CaptureFileError.Throw(offset, $"section header block has a bad byte-order magic 0x{magic:x8}");
        }
        var length = Read32(source[TotalLengthOffset..], bigEndian);
        if (length < MinimumLength)
            CaptureFileError.Throw(offset, $"block of type {type} has a length of {length} < {MinimumLength}");
        if (length % 4 != 0)
            CaptureFileError.Throw(offset, $"block of type {type} has a length of {length} that is not a multiple of 4");
        if (length > maxLength)
            CaptureFileError.Throw(offset, $"block of type {type} has a length of {length} > maximum {maxLength}");
        header = new PcapNgBlockHeader { Type = type, TotalLength = length, BigEndian = bigEndian };
        return true;
    }

    /// <summary>
    /// Checks the trailer of a whole block and returns its body (between header and trailer).
    /// </summary>
    /// <exception cref="InvalidDataException">The trailing length differs from the header's.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> Body(ReadOnlySpan<byte> block, long offset)
    {
        var trailer = Read32(block[((int)TotalLength - TrailerSize)..], BigEndian);
        if (trailer != TotalLength)
            CaptureFileError.Throw(offset, $"block of type {Type}: total length {TotalLength} in header and {trailer} in trailer don't match");
        return block[Size..((int)TotalLength - TrailerSize)];
    }

    internal static uint Read32(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);

    internal static ushort Read16(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);
}
