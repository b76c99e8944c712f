using System.Buffers.Binary;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// Writes pcapng files in little-endian order: one Section Header Block, one Interface Description
/// Block per link type (written before that link type's first packet), and an Enhanced Packet Block
/// per packet. Timestamps are stored in micro- or nanoseconds (<c>if_tsresol</c> 6 or 9).
/// </summary>
public sealed class PcapNgWriter : ICaptureWriter
{
    private const int SectionHeaderLength = 28;
    private const int InterfaceFixedLength = PcapNgBlockHeader.MinimumLength + 8;
    private const int TimestampResolutionOptionLength = 8 + 4; // if_tsresol padded, then opt_endofopt
    private const int EnhancedFixedLength = PcapNgBlockHeader.MinimumLength + 20;
    private const ushort TimestampResolutionCode = 9;

    private readonly WriteBuffer _output;
    private readonly List<LinkType> _interfaces = [];
    private LinkType _lastLinkType;
    private uint _lastInterface = uint.MaxValue;

    /// <summary>Starts a pcapng file on <paramref name="stream"/> by writing its section header.</summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="snaplen">The snapshot length of every interface.</param>
    /// <param name="precision">The timestamp resolution.</param>
    /// <param name="leaveOpen">Leave the stream open when the writer is disposed.</param>
    /// <param name="firstInterface">
    /// When given, the Interface Description Block of this link type is written right after the section
    /// header, so that a file that ends up with no packets still names its link type: readers (libpcap,
    /// tcpdump) refuse a pcapng file without one.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="snaplen"/> is not positive.</exception>
    public PcapNgWriter(Stream stream, int snaplen = SnaplenRules.MaximumSnaplen,
        TimestampPrecision precision = TimestampPrecision.Microseconds, bool leaveOpen = false, LinkType? firstInterface = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snaplen);
        _output = new WriteBuffer(stream, leaveOpen);
        Snaplen = snaplen;
        TimestampPrecision = precision;
        var block = _output.Reserve(SectionHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(block, PcapNgBlockHeader.SectionHeaderType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], SectionHeaderLength);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], PcapNgBlockHeader.ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(block[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(block[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(block[16..], -1); // section length not known in advance
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], SectionHeaderLength);
        _output.Commit(SectionHeaderLength);
        if (firstInterface is { } linkType)
            InterfaceFor(linkType);
    }

    /// <summary>Creates (or replaces) a pcapng file (see the constructor for <paramref name="firstInterface"/>).</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public static PcapNgWriter Create(string path, int snaplen = SnaplenRules.MaximumSnaplen,
        TimestampPrecision precision = TimestampPrecision.Microseconds, LinkType? firstInterface = null) =>
        new(CaptureFileWriter.CreateFile(path), snaplen, precision, leaveOpen: false, firstInterface);

    /// <inheritdoc />
    public CaptureFileFormat Format => CaptureFileFormat.PcapNg;

    /// <inheritdoc />
    public int Snaplen { get; }

    /// <inheritdoc />
    public TimestampPrecision TimestampPrecision { get; }

    /// <summary>The link types of the interfaces written so far, indexed by interface id.</summary>
    public IReadOnlyList<LinkType> Interfaces => _interfaces;

    /// <summary>Writes a packet as a reader delivered it, keeping its link type.</summary>
    public void Write(CapturedPacket packet) => Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data, uint wireLength, long timestamp, LinkType linkType)
    {
        var id = linkType == _lastLinkType && _lastInterface != uint.MaxValue ? _lastInterface : InterfaceFor(linkType);
        // pcapng timestamps are unsigned; a time before the epoch is stored in two's complement,
        // which readers (libpcap and ours) turn back into the same value modulo 2^64.
        var units = unchecked((ulong)(TimestampPrecision == TimestampPrecision.Nanoseconds ? timestamp : Timestamps.FloorDivide(timestamp, 1000, out _)));
        var captured = Math.Min(data.Length, Snaplen);
        var length = EnhancedFixedLength + ((captured + 3) & ~3);
        var block = _output.Reserve(length);
        BinaryPrimitives.WriteUInt32LittleEndian(block, PcapNgBlockHeader.EnhancedPacketType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)length);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], id);
        BinaryPrimitives.WriteUInt32LittleEndian(block[12..], (uint)(units >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(block[16..], (uint)units);
        BinaryPrimitives.WriteUInt32LittleEndian(block[20..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(block[24..], wireLength);
        data[..captured].CopyTo(block[28..]);
        block[(28 + captured)..(length - 4)].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block[(length - 4)..], (uint)length);
        _output.Commit(length);
    }

    private uint InterfaceFor(LinkType linkType)
    {
        var index = _interfaces.IndexOf(linkType);
        if (index < 0)
        {
            index = _interfaces.Count;
            WriteInterface(linkType);
            _interfaces.Add(linkType);
        }
        _lastLinkType = linkType;
        _lastInterface = (uint)index;
        return _lastInterface;
    }

    private void WriteInterface(LinkType linkType)
    {
        var nanoseconds = TimestampPrecision == TimestampPrecision.Nanoseconds;
        // Microseconds are the default resolution, so only nanosecond files need the option.
        var length = InterfaceFixedLength + (nanoseconds ? TimestampResolutionOptionLength : 0);
        var block = _output.Reserve(length);
        block.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block, PcapNgBlockHeader.InterfaceDescriptionType);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(block[8..], (ushort)LinkTypes.ToFileLinkType(linkType));
        BinaryPrimitives.WriteUInt32LittleEndian(block[12..], (uint)Snaplen);
        if (nanoseconds)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(block[16..], TimestampResolutionCode);
            BinaryPrimitives.WriteUInt16LittleEndian(block[18..], 1);
            block[20] = 9;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(block[(length - 4)..], (uint)length);
        _output.Commit(length);
    }

    /// <inheritdoc />
    public void Flush() => _output.Flush();

    /// <summary>Writes what is buffered and closes the stream (unless it was opened with leaveOpen).</summary>
    public void Dispose() => _output.Dispose();
}
