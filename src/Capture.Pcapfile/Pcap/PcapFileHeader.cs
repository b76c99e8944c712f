using System.Buffers.Binary;
using Bpf.Vm;

namespace Capture.Pcapfile.Pcap;

/// <summary>
/// The 24-byte header of a pcap file (pcap-savefile(5), draft-ietf-opsawg-pcap section 4), with the
/// checks of libpcap 1.10.3's <c>pcap_check_header</c> (sf-pcap.c).
/// </summary>
public readonly record struct PcapFileHeader
{
    /// <summary>Size of the file header.</summary>
    public const int Size = 24;

    internal const int MagicOffset = 0;
    internal const int VersionMajorOffset = 4;
    internal const int VersionMinorOffset = 6;
    internal const int ThisZoneOffset = 8;
    internal const int SigFigsOffset = 12;
    internal const int SnaplenOffset = 16;
    internal const int LinkTypeOffset = 20;

    /// <summary>Microsecond timestamps (TCPDUMP_MAGIC).</summary>
    public const uint MicrosecondMagic = 0xa1b2c3d4;
    /// <summary>Nanosecond timestamps (NSEC_TCPDUMP_MAGIC).</summary>
    public const uint NanosecondMagic = 0xa1b23c4d;
    /// <summary>Alexey Kuznetzov's patched format: microseconds, 24-byte record headers.</summary>
    public const uint KuznetzovMagic = 0xa1b2cd34;

    /// <summary>The version libpcap writes.</summary>
    public const ushort CurrentVersionMajor = 2, CurrentVersionMinor = 4;

    // draft-ietf-opsawg-pcap 4.1: FCS length in bits 28-31 (16-bit words), P bit 26 says it is present,
    // bit 27 and bits 16-25 are reserved and must be zero.
    private const uint FcsPresentBit = 0x04000000;
    private const uint ReservedLinkTypeBits = 0x0BFF0000;
    private const int FcsLengthShift = 28;

    /// <summary>The magic number in host terms (one of the three magic constants).</summary>
    public uint Magic { get; init; }

    /// <summary>True when the file was written in the byte order opposite to little endian.</summary>
    public bool BigEndian { get; init; }

    /// <summary>Major version (2, or 543 for DG/UX tcpdump).</summary>
    public ushort VersionMajor { get; init; }

    /// <summary>Minor version (0 to 4).</summary>
    public ushort VersionMinor { get; init; }

    /// <summary>The snapshot length exactly as stored.</summary>
    public uint Snaplen { get; init; }

    /// <summary>The whole link-type word as stored (LINKTYPE_ value plus FCS bits).</summary>
    public uint LinkTypeField { get; init; }

    /// <summary>The link type (LINKTYPE_ mapped to DLT_).</summary>
    public LinkType LinkType => LinkTypes.FromFileLinkType(LinkTypeField & 0xFFFF);

    /// <summary>The FCS length in bytes when the file states one, otherwise null.</summary>
    public int? FcsLength => (LinkTypeField & FcsPresentBit) != 0 ? (int)(LinkTypeField >> FcsLengthShift) * 2 : null;

    /// <summary>The timestamp resolution the magic number announces.</summary>
    public TimestampPrecision Precision => Magic == NanosecondMagic ? TimestampPrecision.Nanoseconds : TimestampPrecision.Microseconds;

    /// <summary>Size of each record header: 16, or 24 for <see cref="KuznetzovMagic"/> files.</summary>
    public int RecordHeaderSize => Magic == KuznetzovMagic ? PcapRecordHeader.PatchedSize : PcapRecordHeader.Size;

    /// <summary>
    /// Before 2.3 the record stored the original length first; 2.3 files exist in both orders and
    /// 543.0 (DG/UX) uses the old order (sf-pcap.c).
    /// </summary>
    internal LengthOrder LengthOrder => VersionMajor == 543 || (VersionMajor == 2 && VersionMinor < 3) ? LengthOrder.Swapped
        : VersionMajor == 2 && VersionMinor == 3 ? LengthOrder.MaybeSwapped : LengthOrder.Normal;

    /// <summary>True when the first four bytes are a pcap magic number in either byte order.</summary>
    public static bool IsPcapMagic(ReadOnlySpan<byte> start)
    {
        if (start.Length < 4)
            return false;
        var little = BinaryPrimitives.ReadUInt32LittleEndian(start);
        var big = BinaryPrimitives.ReadUInt32BigEndian(start);
        return IsMagic(little) || IsMagic(big);
    }

    private static bool IsMagic(uint value) => value is MicrosecondMagic or NanosecondMagic or KuznetzovMagic;

    /// <summary>
    /// Parses a file header. Returns false when <paramref name="source"/> holds fewer than
    /// <see cref="Size"/> bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">Bad magic, unsupported version or reserved bits set.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out PcapFileHeader header, out int consumed)
    {
        header = default;
        consumed = 0;
        if (source.Length < 4)
            return false;
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(source);
        var bigEndian = false;
        if (!IsMagic(magic))
        {
            magic = BinaryPrimitives.ReverseEndianness(magic);
            if (!IsMagic(magic))
                CaptureFileError.Throw(MagicOffset, $"bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(source):x8}, not a pcap file");
            bigEndian = true;
        }
        if (source.Length < Size)
            return false;
        header = new PcapFileHeader
        {
            Magic = magic,
            BigEndian = bigEndian,
            VersionMajor = ReadUInt16(source[VersionMajorOffset..], bigEndian),
            VersionMinor = ReadUInt16(source[VersionMinorOffset..], bigEndian),
            Snaplen = ReadUInt32(source[SnaplenOffset..], bigEndian),
            LinkTypeField = ReadUInt32(source[LinkTypeOffset..], bigEndian),
        };
        // sf-pcap.c: major < 2 is "archaic"; only 2.0-2.4 and DG/UX's 543.0 are supported.
        if (header.VersionMajor < CurrentVersionMajor)
            CaptureFileError.Throw(VersionMajorOffset, $"archaic pcap savefile format version {header.VersionMajor}.{header.VersionMinor}");
        if (!((header.VersionMajor == CurrentVersionMajor && header.VersionMinor <= CurrentVersionMinor)
              || (header.VersionMajor == 543 && header.VersionMinor == 0)))
            CaptureFileError.Throw(VersionMajorOffset, $"unsupported pcap savefile version {header.VersionMajor}.{header.VersionMinor}");
        // libpcap masks these bits away; the format's draft reserves them, and a file that sets them
        // was not written by any known tool, so it is more likely damaged than meaningful.
        if ((header.LinkTypeField & ReservedLinkTypeBits) != 0)
            CaptureFileError.Throw(LinkTypeOffset, $"reserved bits set in link type field 0x{header.LinkTypeField:x8}");
        consumed = Size;
        return true;
    }

    /// <summary>Writes a 2.4 header in little-endian order (what libpcap writes on this machine).</summary>
    public static void Write(Span<byte> destination, TimestampPrecision precision, uint snaplen, LinkType linkType)
    {
        if (destination.Length < Size)
            throw new ArgumentException("destination is shorter than a pcap file header", nameof(destination));
        var magic = precision == TimestampPrecision.Nanoseconds ? NanosecondMagic : MicrosecondMagic;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MagicOffset..], magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[VersionMajorOffset..], CurrentVersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[VersionMinorOffset..], CurrentVersionMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ThisZoneOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SigFigsOffset..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SnaplenOffset..], snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[LinkTypeOffset..], LinkTypes.ToFileLinkType(linkType));
    }

    internal static ushort ReadUInt16(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(source) : BinaryPrimitives.ReadUInt16LittleEndian(source);

    internal static uint ReadUInt32(ReadOnlySpan<byte> source, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(source) : BinaryPrimitives.ReadUInt32LittleEndian(source);
}

/// <summary>Where a record keeps its captured and original lengths (changed at pcap 2.3).</summary>
internal enum LengthOrder
{
    /// <summary>Captured length, then original length.</summary>
    Normal,
    /// <summary>Original length first (pre-2.3 and DG/UX files).</summary>
    Swapped,
    /// <summary>2.3 files: swapped only when the captured length exceeds the original length.</summary>
    MaybeSwapped,
}
