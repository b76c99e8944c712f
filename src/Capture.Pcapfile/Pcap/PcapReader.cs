using System.Runtime.CompilerServices;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile.Pcap;

/// <summary>
/// Reads pcap files with libpcap 1.10.3's rules (sf-pcap.c): both byte orders, micro- and nanosecond
/// magic numbers, versions 2.0 to 2.4 and 543.0 with their length-field order, Kuznetzov's patched
/// record headers, and a captured length above the snapshot length tolerated (cut to it) unless it
/// exceeds the link type's sane maximum.
/// </summary>
public sealed class PcapReader : CaptureFileReader
{
    private readonly int _snaplen;
    private readonly uint _maxCapturedLength;
    private readonly LinkType _linkType;
    private readonly bool _bigEndian;
    private readonly LengthOrder _lengthOrder;
    private readonly int _recordHeaderSize;
    private readonly bool _nanoseconds;
    private readonly bool _swapPseudoHeaders;

    /// <summary>Reads a pcap capture from a stream positioned at its file header.</summary>
    /// <exception cref="InvalidDataException">The file header is malformed.</exception>
    public PcapReader(Stream stream, bool leaveOpen = false)
        : this(new ReadBuffer(stream, leaveOpen))
    {
    }

    internal PcapReader(ReadBuffer buffer)
        : base(buffer)
    {
        var available = buffer.Ensure(PcapFileHeader.Size);
        if (!PcapFileHeader.TryRead(buffer.Span, out var header, out var consumed))
            CaptureFileError.Throw(buffer.Position, $"truncated file header: {available} of {PcapFileHeader.Size} bytes");
        buffer.Advance(consumed);
        Header = header;
        _linkType = header.LinkType;
        _snaplen = SnaplenRules.Adjust(_linkType, header.Snaplen);
        // sf-pcap.c: Kuznetzov captures may be cooked captures with a faked 14-byte Ethernet header.
        if (header.Magic == PcapFileHeader.KuznetzovMagic && _linkType == LinkType.EN10MB)
            _snaplen = _snaplen <= int.MaxValue - 14 ? _snaplen + 14 : int.MaxValue;
        _maxCapturedLength = SnaplenRules.MaxSnaplenFor(_linkType);
        _bigEndian = header.BigEndian;
        _lengthOrder = header.LengthOrder;
        _recordHeaderSize = header.RecordHeaderSize;
        _nanoseconds = header.Precision == TimestampPrecision.Nanoseconds;
        _swapPseudoHeaders = _bigEndian == BitConverter.IsLittleEndian && PseudoHeaders.MayNeedSwap(_linkType);
    }

    /// <summary>Opens a pcap file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid pcap file.</exception>
    public static new PcapReader Open(string path)
    {
        var buffer = new ReadBuffer(OpenFile(path), leaveOpen: false);
        try
        {
            return new PcapReader(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>The file header as stored.</summary>
    public PcapFileHeader Header { get; }

    /// <inheritdoc />
    public override CaptureFileFormat Format => CaptureFileFormat.Pcap;

    /// <inheritdoc/>
    public override bool BigEndian => Header.BigEndian;

    /// <inheritdoc />
    public override LinkType LinkType => _linkType;

    /// <inheritdoc />
    public override int Snaplen => _snaplen;

    /// <inheritdoc />
    public override TimestampPrecision TimestampPrecision => Header.Precision;

    /// <inheritdoc />
    public override int? FcsLength => Header.FcsLength;

    /// <inheritdoc />
    public override bool TryReadPacket(out CapturedPacket packet)
    {
        var buffer = Buffer;
        if (buffer.Available < _recordHeaderSize)
        {
            var available = buffer.Ensure(_recordHeaderSize);
            if (available == 0)
            {
                packet = default;
                return false;
            }
            if (available < _recordHeaderSize)
                CaptureFileError.Throw(buffer.Position, $"truncated record header: {available} of {_recordHeaderSize} bytes");
        }
        var header = PcapRecordHeader.Read(new ReadOnlySpan<byte>(buffer.Array, buffer.Start, _recordHeaderSize), _bigEndian, _lengthOrder);
        var captured = header.CapturedLength;
        if (captured > _maxCapturedLength)
            ThrowCapturedLengthTooBig(buffer.Position, captured);
        var total = _recordHeaderSize + (int)captured;
        if (buffer.Available < total)
        {
            var available = buffer.Ensure(total);
            if (available < total)
                CaptureFileError.Throw(buffer.Position, $"truncated record: {available - _recordHeaderSize} of {captured} captured bytes");
        }
        // Like libpcap, hand out at most the snapshot length: callers may size buffers by it.
        var length = Math.Min((int)captured, _snaplen);
        var timestamp = unchecked(header.Seconds * 1_000_000_000L + (_nanoseconds ? header.Fraction : header.Fraction * 1000L));
        if (_swapPseudoHeaders)
            PseudoHeaders.SwapInPlace(_linkType, new Span<byte>(buffer.Array, buffer.Start + _recordHeaderSize, length), header.OriginalLength);
        packet = new CapturedPacket(new ReadOnlySpan<byte>(buffer.Array, buffer.Start + _recordHeaderSize, length), header.OriginalLength, timestamp, _linkType);
        buffer.Advance(total);
        return true;
    }

    private void ThrowCapturedLengthTooBig(long offset, uint captured) =>
        CaptureFileError.Throw(offset, captured > (uint)_snaplen
            ? $"invalid packet capture length {captured}, bigger than snaplen of {_snaplen}"
            : $"invalid packet capture length {captured}, bigger than maximum of {_maxCapturedLength}");
}
