using System.Runtime.CompilerServices;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Npcap;

/// <summary>
/// The packets one <see cref="LiveDevice.ReadBatch"/> took from the driver: their bytes in one reused
/// managed buffer, their headers in a reused array, so a batch costs no allocation and its packets stay
/// valid until the next read into it (the device may even be closed meanwhile). Reuse one batch per
/// reading thread.
/// </summary>
/// <remarks>
/// libpcap hands each packet to a callback as a pointer into its ring (the TPACKET_V3 block on Linux,
/// Npcap's buffer on Windows) and gives the block back to the kernel before <c>pcap_dispatch</c> returns,
/// so a batch that outlives the call needs the bytes elsewhere: one copy per packet, into this buffer.
/// </remarks>
public sealed class LivePacketBatch : IPacketBatch
{
    /// <summary>The default soft limit of the buffer: a batch stops growing past it.</summary>
    public const int DefaultBufferSize = 1 << 20;

    /// <summary>The default largest number of packets per batch.</summary>
    public const int DefaultMaxPackets = 16384;

    private readonly int _softLimit;
    private readonly PacketSlice[] _slices;
    private readonly long[] _timestamps;
    private readonly uint[] _verdicts;
    private byte[] _buffer = [];
    private LinkType _linkType;

    /// <summary>Creates an empty batch.</summary>
    /// <param name="bufferSize">Bytes of packet data after which a read stops adding packets (one more packet of up to the snapshot length may follow).</param>
    /// <param name="maxPackets">The most packets a read puts in the batch.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public LivePacketBatch(int bufferSize = DefaultBufferSize, int maxPackets = DefaultMaxPackets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPackets, 1);
        _softLimit = bufferSize;
        _slices = new PacketSlice[maxPackets];
        _timestamps = new long[maxPackets];
        _verdicts = new uint[maxPackets];
    }

    /// <summary>The number of packets.</summary>
    public int Count { get; private set; }

    /// <summary>The link type of every packet of the batch (the device's).</summary>
    public LinkType LinkType => _linkType;

    /// <summary>
    /// The packets as the engines take them (a <see cref="BpfBatchFilter"/>'s input, the shape the offline
    /// pipeline's batches have): slices of this batch's buffer, valid until the next read into it.
    /// </summary>
    public ReadOnlySpan<PacketSlice> Slices => _slices.AsSpan(0, Count);

    /// <summary>The packet at <paramref name="index"/>; its bytes are valid until the next read into this batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public CapturedPacket this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Count)
                ThrowIndex(index);
            ref readonly var slice = ref _slices[index];
            return new CapturedPacket(slice.Data, slice.WireLength, _timestamps[index], _linkType);
        }
    }

    /// <summary>The capture time of the packet at <paramref name="index"/>, in nanoseconds since the Unix epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public long TimestampAt(int index)
    {
        if ((uint)index >= (uint)Count)
            ThrowIndex(index);
        return _timestamps[index];
    }

    /// <summary>The link type of the packet at <paramref name="index"/>: the device's, for every packet.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public LinkType LinkTypeAt(int index)
    {
        if ((uint)index >= (uint)Count)
            ThrowIndex(index);
        return _linkType;
    }

    /// <summary>How many packets from <paramref name="start"/> on share its link type: all the rest (one device, one link type).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is not below <see cref="Count"/>.</exception>
    public int LinkTypeRun(int start)
    {
        if ((uint)start >= (uint)Count)
            ThrowIndex(start);
        return Count - start;
    }

    /// <summary>Empties the batch and makes room for packets of up to <paramref name="snaplen"/> bytes.</summary>
    internal void Reset(LinkType linkType, int snaplen)
    {
        Count = 0;
        Used = 0;
        _linkType = linkType;
        var size = (long)_softLimit + snaplen;
        if (_buffer.Length < size)
            _buffer = new byte[Math.Min(size, Array.MaxLength)];
    }

    /// <summary>Bytes of the buffer in use.</summary>
    internal int Used { get; private set; }

    /// <summary>True once the batch should take no more packets (the reader stops the dispatch).</summary>
    internal bool IsFull => Count == _slices.Length || Used >= _softLimit;

    /// <summary>Appends a copy of a packet; true when it fit (it always does within the snapshot length).</summary>
    internal bool Add(ReadOnlySpan<byte> data, uint wireLength, long timestamp)
    {
        if (Count == _slices.Length || data.Length > _buffer.Length - Used)
            return false;
        data.CopyTo(_buffer.AsSpan(Used));
        _slices[Count] = new PacketSlice(_buffer, Used, data.Length, wireLength);
        _timestamps[Count++] = timestamp;
        Used += data.Length;
        return true;
    }

    /// <summary>
    /// Runs <paramref name="filter"/> over the whole batch and keeps the packets it accepts, each cut to the
    /// length it returned; returns how many it rejected.
    /// </summary>
    internal int Filter(BpfBatchFilter filter)
    {
        var count = Count;
        filter(Slices, _verdicts);
        var kept = 0;
        for (var i = 0; i < count; i++)
        {
            var verdict = _verdicts[i];
            if (verdict == 0)
                continue;
            var slice = _slices[i];
            _slices[kept] = verdict >= (uint)slice.Length ? slice : new PacketSlice(slice.Array!, slice.Offset, (int)verdict, slice.WireLength);
            _timestamps[kept++] = _timestamps[i];
        }
        Count = kept;
        return count - kept;
    }

    private static void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "past the last packet of the batch");
}
