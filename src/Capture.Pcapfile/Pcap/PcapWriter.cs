using Bpf.Vm;

namespace Capture.Pcapfile.Pcap;

/// <summary>
/// Writes pcap 2.4 files in little-endian order (what libpcap writes on x86 and ARM) with micro- or
/// nanosecond timestamps. Every packet must have the file's link type.
/// </summary>
public sealed class PcapWriter : ICaptureWriter
{
    private readonly WriteBuffer _output;
    private readonly bool _nanoseconds;

    /// <summary>Starts a pcap file on <paramref name="stream"/> by writing its header.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="snaplen"/> is not positive.</exception>
    public PcapWriter(Stream stream, LinkType linkType, int snaplen = SnaplenRules.MaximumSnaplen,
        TimestampPrecision precision = TimestampPrecision.Microseconds, bool leaveOpen = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snaplen);
        _output = new WriteBuffer(stream, leaveOpen);
        LinkType = linkType;
        Snaplen = snaplen;
        TimestampPrecision = precision;
        _nanoseconds = precision == TimestampPrecision.Nanoseconds;
        PcapFileHeader.Write(_output.Reserve(PcapFileHeader.Size), precision, (uint)snaplen, linkType);
        _output.Commit(PcapFileHeader.Size);
    }

    /// <summary>Creates (or replaces) a pcap file.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public static PcapWriter Create(string path, LinkType linkType, int snaplen = SnaplenRules.MaximumSnaplen,
        TimestampPrecision precision = TimestampPrecision.Microseconds) =>
        new(CaptureFileWriter.CreateFile(path), linkType, snaplen, precision);

    /// <summary>The link type of every packet in the file.</summary>
    public LinkType LinkType { get; }

    /// <inheritdoc />
    public CaptureFileFormat Format => CaptureFileFormat.Pcap;

    /// <inheritdoc />
    public int Snaplen { get; }

    /// <inheritdoc />
    public TimestampPrecision TimestampPrecision { get; }

    /// <summary>Writes a packet as a reader delivered it.</summary>
    /// <exception cref="ArgumentException">The packet's link type differs from the file's.</exception>
    public void Write(Bpf.Vm.Capture.CapturedPacket packet) => Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The link type differs from the file's.</exception>
    public void Write(ReadOnlySpan<byte> data, uint wireLength, long timestamp, LinkType linkType)
    {
        if (linkType != LinkType)
            throw new ArgumentException($"a pcap file holds one link type: {LinkTypes.Name(LinkType)}, not {LinkTypes.Name(linkType)}", nameof(linkType));
        var seconds = Timestamps.FloorDivide(timestamp, Timestamps.NanosecondsPerSecond, out var nanoseconds);
        var captured = Math.Min(data.Length, Snaplen);
        var record = _output.Reserve(PcapRecordHeader.Size + captured);
        // Seconds beyond 32 bits keep their low 32, as libpcap's pcap_dump casts them ((bpf_int32)tv_sec):
        // a byte-swapped file's unsigned seconds copy back to the same field bits tcpdump -w writes.
        PcapRecordHeader.Write(record, unchecked((int)seconds), (int)(_nanoseconds ? nanoseconds : nanoseconds / 1000), (uint)captured, wireLength);
        data[..captured].CopyTo(record[PcapRecordHeader.Size..]);
        _output.Commit(record.Length);
    }

    /// <inheritdoc />
    public void Flush() => _output.Flush();

    /// <summary>Writes what is buffered and closes the stream (unless it was opened with leaveOpen).</summary>
    public void Dispose() => _output.Dispose();
}
