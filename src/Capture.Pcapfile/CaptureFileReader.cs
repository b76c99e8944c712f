using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile;

/// <summary>
/// A forward-only reader of pcap or pcapng files. <see cref="Open(string)"/> detects the format.
/// Packets come out as spans into one large reusable buffer: nothing is allocated per packet, and a
/// packet's bytes stay valid only until the next read.
/// </summary>
/// <remarks>
/// A malformed file yields every packet before the damage; the read that reaches the damage throws
/// an <see cref="InvalidDataException"/> (see <see cref="CaptureFileError"/>) naming its offset.
/// </remarks>
public abstract class CaptureFileReader : IPacketSource, IPacketBatchSource
{
    private protected CaptureFileReader(ReadBuffer buffer) => Buffer = buffer;

    private protected ReadBuffer Buffer { get; }

    /// <summary>The container format.</summary>
    public abstract CaptureFileFormat Format { get; }

    /// <summary>The link type of the file (of its first interface for pcapng).</summary>
    public abstract LinkType LinkType { get; }

    /// <summary>
    /// The file was written big-endian (pcapng: its first section). On a little-endian host this is
    /// libpcap's <c>pcap_is_swapped</c>, which changes how DLT_NULL filters compile for the file.
    /// </summary>
    public abstract bool BigEndian { get; }

    /// <summary>The snapshot length as libpcap reports it (0 in the file means the link type's maximum).</summary>
    public abstract int Snaplen { get; }

    /// <summary>The resolution of the file's timestamps (of its first interface for pcapng).</summary>
    public abstract TimestampPrecision TimestampPrecision { get; }

    /// <summary>The length in bytes of the frame check sequence at the end of each packet, when the file says.</summary>
    public abstract int? FcsLength { get; }

    /// <summary>The file offset of the next unread byte, for progress reports.</summary>
    public long Position => Buffer.Position;

    /// <summary>The total length of the file, when the stream can tell (null for pipes).</summary>
    public long? Length => Buffer.Length;

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The next record is malformed or truncated.</exception>
    public abstract bool TryReadPacket(out CapturedPacket packet);

    /// <summary>
    /// Reads the next packets into <paramref name="batch"/>, whose bytes then stay valid until the batch
    /// is released, whatever is read after it. For pipelines that read on one thread and process on
    /// others; <see cref="TryReadPacket"/> and this method are not meant to be mixed on one reader.
    /// </summary>
    /// <param name="batch">An empty (new or released) batch.</param>
    /// <returns>
    /// False at the end of the file with nothing read. True with at least one packet, or with none
    /// and <see cref="PacketBatch.Error"/> set when the file is damaged right there.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="batch"/> still holds packets.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public bool ReadBatch(PacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count != 0)
            throw new ArgumentException("the batch must be released before it is read into again", nameof(batch));
        // Finished: the last batch took the last buffer, which must not be handed out twice.
        if (_batchesDone && _pendingArray is null)
            return false;
        Buffer.Prefetch(s_segments, PrefetchDepth);
        var array = Buffer.Array;
        if (_pendingArray is not null)
        {
            // The packet that moved the reader to a fresh buffer last time opens this batch.
            array = _pendingArray;
            batch.Add(_pendingPacket, array);
            _pendingArray = null;
        }
        while (!_batchesDone)
        {
            CapturedPacket packet;
            var before = Position;
            try
            {
                if (!TryReadPacket(out packet))
                {
                    _batchesDone = true;
                    break;
                }
            }
            catch (InvalidDataException e)
            {
                batch.Error = e;
                _batchesDone = true;
                break;
            }
            var retired = Buffer.Retired;
            if (retired.Count > 0)
            {
                // The reader moved to a fresh buffer: this batch keeps the one its packets are in
                // (the first left behind); buffers passed through without a packet go back.
                batch.Own(retired[0], s_segments);
                for (var i = 1; i < retired.Count; i++)
                    s_segments.Return(retired[i]);
                retired.Clear();
                _pendingArray = Buffer.Array;
                _pendingPacket = new PacketRecord(packet, _pendingArray);
                batch.EndPosition = before;
                return true;
            }
            batch.Add(new PacketRecord(packet, array), array);
        }
        // Finished: the reader will not touch its current buffer again, so the batch may keep it.
        batch.Own(array, s_segments);
        batch.EndPosition = Position;
        return batch.Count > 0 || batch.Error is not null;
    }

    /// <inheritdoc />
    IPacketBatch IPacketBatchSource.CreateBatch() => new PacketBatch();

    /// <inheritdoc />
    /// <remarks>Damage right after some packets: those packets now, the exception at the next read.</remarks>
    PacketReadStatus IPacketBatchSource.ReadBatch(IPacketBatch batch)
    {
        var packets = batch as PacketBatch ?? throw new ArgumentException("the batch comes from another kind of source", nameof(batch));
        packets.Release();
        if (_deferredError is { } deferred)
        {
            _deferredError = null;
            throw deferred;
        }
        if (!ReadBatch(packets))
            return PacketReadStatus.End;
        if (packets.Error is { } error)
        {
            if (packets.Count == 0)
            {
                packets.Release();
                throw error;
            }
            _deferredError = error;
        }
        return PacketReadStatus.Packet;
    }

    // Damage met by a batch read after packets it handed out, thrown at the next batch read.
    private InvalidDataException? _deferredError;

    // Segments read ahead in batch mode: enough to keep two or three cores copying.
    private const int PrefetchDepth = 4;
    // Shared by all readers: a run over many files reuses the same few buffers instead of
    // allocating a reader's worth (several MB) per file.
    private static readonly SegmentPool s_segments = new(SegmentPrefetcher.ArraySize);
    private bool _batchesDone;
    // A packet read into a fresh buffer, held over as the first of the next batch, and that buffer.
    private byte[]? _pendingArray;
    private PacketRecord _pendingPacket;

    /// <summary>Opens a capture file, detecting pcap or pcapng from its first bytes.</summary>
    /// <exception cref="InvalidDataException">The file is neither, or its header is malformed.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static CaptureFileReader Open(string path) => Open(OpenFile(path), leaveOpen: false);

    /// <summary>Reads a capture from a stream positioned at its start, detecting the format.</summary>
    /// <exception cref="InvalidDataException">The data is neither format, or its header is malformed.</exception>
    public static CaptureFileReader Open(Stream stream, bool leaveOpen = false)
    {
        var buffer = new ReadBuffer(stream, leaveOpen);
        try
        {
            var available = buffer.Ensure(4);
            if (available < 4)
                CaptureFileError.Throw(buffer.Position, $"truncated file: {available} bytes, too short for a magic number");
            if (PcapFileHeader.IsPcapMagic(buffer.Span))
                return new PcapReader(buffer);
            if (PcapNgBlockHeader.IsSectionHeader(buffer.Span))
                return new PcapNgReader(buffer);
            CaptureFileError.Throw(buffer.Position, "unknown file format: neither a pcap magic number nor a pcapng section header");
            return null!;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Opens a file for one sequential pass without the stream's own buffering (the reader buffers).</summary>
    internal static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>Closes the file (or the stream, unless it was opened with leaveOpen).</summary>
    public void Dispose()
    {
        Buffer.Dispose();
        GC.SuppressFinalize(this);
    }
}
