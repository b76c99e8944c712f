using System.Runtime.CompilerServices;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// Reads pcapng files with the checks of libpcap 1.10.3's sf-pcapng.c, extended where libpcap gives
/// up: sections may change byte order, and interfaces may differ in link type and snapshot length
/// (each packet reports its interface's link type). Enhanced, Simple and the obsolete Packet Blocks
/// carry packets; other blocks are skipped.
/// </summary>
public sealed class PcapNgReader : CaptureFileReader
{
    // sf-pcapng.c: blocks are at most 16 MiB, or one maximal packet plus 128 KiB of options when a
    // link type allows larger packets; a first section header is at most 1 MiB.
    private const uint InitialMaxBlockLength = 16 * 1024 * 1024;
    private const uint MaxFirstSectionHeaderLength = 1024 * 1024;
    private const int SectionHeaderFixedSize = 16;
    private const int MajorVersionOffset = 4;
    private const int MinorVersionOffset = 6;

    private readonly List<PcapNgInterface> _interfaces = [];
    private readonly PcapNgInterface _first;
    private bool _bigEndian;
    private bool? _firstBigEndian;
    private readonly long _firstSectionOffset;
    private bool _sawInterface;
    private uint _maxBlockLength = InitialMaxBlockLength;

    /// <summary>Reads a pcapng capture from a stream positioned at its first section header.</summary>
    /// <exception cref="InvalidDataException">The file does not start with a valid section and interface.</exception>
    public PcapNgReader(Stream stream, bool leaveOpen = false)
        : this(new ReadBuffer(stream, leaveOpen))
    {
    }

    internal PcapNgReader(ReadBuffer buffer)
        : base(buffer)
    {
        _firstSectionOffset = buffer.Position;
        if (buffer.Ensure(4) < 4 || !PcapNgBlockHeader.IsSectionHeader(buffer.Span))
            CaptureFileError.Throw(buffer.Position, "not a pcapng file: no section header block");
        // libpcap reads up to the first interface when opening, so the link type is known up front.
        while (!_sawInterface)
            if (ReadBlock(out _) == BlockKind.EndOfFile)
                CaptureFileError.Throw(buffer.Position, "the capture file has no Interface Description Blocks");
        _first = _interfaces[0];
    }

    private enum BlockKind { EndOfFile, Packet, Other }

    /// <summary>Opens a pcapng file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid pcapng file.</exception>
    public static new PcapNgReader Open(string path)
    {
        var buffer = new ReadBuffer(OpenFile(path), leaveOpen: false);
        try
        {
            return new PcapNgReader(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override CaptureFileFormat Format => CaptureFileFormat.PcapNg;

    /// <inheritdoc/>
    public override bool BigEndian => _firstBigEndian ?? _bigEndian;

    /// <inheritdoc />
    public override LinkType LinkType => _first.LinkType;

    /// <inheritdoc />
    public override int Snaplen => _first.Snaplen;

    /// <inheritdoc />
    public override TimestampPrecision TimestampPrecision => _first.Precision;

    /// <inheritdoc />
    public override int? FcsLength => _first.FcsLength;

    /// <summary>The interfaces of the current section, indexed by interface id.</summary>
    public IReadOnlyList<PcapNgInterface> Interfaces => _interfaces;

    /// <inheritdoc />
    // Fully optimized from the first call: a one-shot pass over a file never reaches tier 1 early enough.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool TryReadPacket(out CapturedPacket packet)
    {
        BlockKind kind;
        while ((kind = ReadBlock(out packet)) == BlockKind.Other)
        {
        }
        return kind == BlockKind.Packet;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private BlockKind ReadBlock(out CapturedPacket packet)
    {
        packet = default;
        var buffer = Buffer;
        var offset = buffer.Position;
        var available = buffer.Available >= PcapNgBlockHeader.MinimumLength ? buffer.Available : buffer.Ensure(PcapNgBlockHeader.MinimumLength);
        if (available == 0)
            return BlockKind.EndOfFile;
        if (!PcapNgBlockHeader.TryRead(buffer.Span, _bigEndian, _maxBlockLength, offset, out var header))
            CaptureFileError.Throw(offset, $"truncated block header: {available} bytes");
        if (header.Type == PcapNgBlockHeader.SectionHeaderType && offset == _firstSectionOffset && header.TotalLength > MaxFirstSectionHeaderLength)
            CaptureFileError.Throw(offset, $"section header block has a length of {header.TotalLength} > maximum {MaxFirstSectionHeaderLength}");
        var length = (int)header.TotalLength;
        if (available < length && (available = buffer.Ensure(length)) < length)
            CaptureFileError.Throw(offset, $"truncated block of type {header.Type}: {available} of {length} bytes");
        var block = new ReadOnlySpan<byte>(buffer.Array, buffer.Start, length);
        var body = header.Body(block, offset);
        // Consume the block only once it parsed: a failing read can be repeated and fails the same way.
        var kind = BlockKind.Other;
        switch (header.Type)
        {
            case PcapNgBlockHeader.EnhancedPacketType:
                packet = PacketBlocks.ReadEnhanced(body, header.BigEndian, offset, this);
                kind = BlockKind.Packet;
                break;
            case PcapNgBlockHeader.PacketType:
                packet = PacketBlocks.ReadObsolete(body, header.BigEndian, offset, this);
                kind = BlockKind.Packet;
                break;
            case PcapNgBlockHeader.SimplePacketType:
                packet = PacketBlocks.ReadSimple(body, header.BigEndian, offset, this);
                kind = BlockKind.Packet;
                break;
            case PcapNgBlockHeader.InterfaceDescriptionType:
                AddInterface(InterfaceOptions.Parse(body, header.BigEndian, offset));
                break;
            case PcapNgBlockHeader.SectionHeaderType:
                StartSection(body, header.BigEndian, offset);
                break;
        }
        buffer.Advance(length);
        return kind;
    }

    /// <summary>The interface a packet block names, with libpcap's checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal PcapNgInterface InterfaceFor(uint id, long offset)
    {
        if (!_sawInterface)
            CaptureFileError.Throw(offset, "the capture file has a packet block before any Interface Description Blocks");
        if (id >= (uint)_interfaces.Count)
            CaptureFileError.Throw(offset, $"a packet arrived on interface {id}, but there's no Interface Description Block for that interface");
        return _interfaces[(int)id];
    }

    private void AddInterface(PcapNgInterface description)
    {
        _interfaces.Add(description);
        _sawInterface = true;
        var needed = (ulong)PcapNgBlockHeader.MinimumLength + 20 + SnaplenRules.MaxSnaplenFor(description.LinkType) + 131072;
        if (needed > _maxBlockLength)
            _maxBlockLength = (uint)needed;
    }

    private void StartSection(ReadOnlySpan<byte> body, bool bigEndian, long offset)
    {
        if (body.Length < SectionHeaderFixedSize)
            CaptureFileError.Throw(offset, $"section header block is too short ({body.Length} bytes of body)");
        var major = PcapNgBlockHeader.Read16(body[MajorVersionOffset..], bigEndian);
        var minor = PcapNgBlockHeader.Read16(body[MinorVersionOffset..], bigEndian);
        // libpcap accepts 1.0 and 1.2 for the first section, then only checks the major version.
        if (offset == _firstSectionOffset ? !(major == 1 && minor is 0 or 2) : major != 1)
            CaptureFileError.Throw(offset, $"unsupported pcapng savefile version {major}.{minor}");
        _bigEndian = bigEndian;
        _firstBigEndian ??= bigEndian;
        _interfaces.Clear();
    }
}
