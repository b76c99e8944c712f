using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile;

/// <summary>
/// A run of consecutive packets read by <see cref="CaptureFileReader.ReadBatch"/>, whose bytes stay
/// valid (unlike <see cref="CaptureFileReader.TryReadPacket"/>'s) until <see cref="Release"/>: one
/// thread can read the next batch while others filter this one. A batch is one read buffer's worth
/// of packets (about 512 KiB); nothing is copied to make it.
/// </summary>
public sealed class PacketBatch : IPacketBatch
{
    private const int InitialCapacity = 1024;

    private readonly List<byte[]> _arrays = [];
    private SegmentPool? _pool;
    // What the engines see (bytes and wire length), apart from what only the commands need.
    private PacketSlice[] _slices = new PacketSlice[InitialCapacity];
    private PacketInfo[] _infos = new PacketInfo[InitialCapacity];

    /// <summary>The number of packets.</summary>
    public int Count { get; private set; }

    /// <summary>The file offset just after the last record read into this batch.</summary>
    public long EndPosition { get; internal set; }

    /// <summary>
    /// Set when reading stopped at damage right after these packets: the reader is finished and the
    /// exception names the offset and the reason (as <see cref="CaptureFileReader.TryReadPacket"/> would throw it).
    /// </summary>
    public InvalidDataException? Error { get; internal set; }

    /// <summary>The packet at <paramref name="index"/>; its bytes are valid until <see cref="Release"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public CapturedPacket this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Count)
                ThrowIndex(index);
            ref readonly var slice = ref _slices[index];
            ref readonly var info = ref _infos[index];
            return new CapturedPacket(slice.Data, slice.WireLength, info.Timestamp, info.LinkType, info.InterfaceIndex);
        }
    }

    /// <summary>
    /// The packets as the engines take them (a <see cref="BpfBatchFilter"/>'s input): slices of the
    /// reader's buffers, no bytes copied; valid until <see cref="Release"/>. Filter a run of one link
    /// type at a time (see <see cref="LinkTypeRun"/>): pcapng interfaces may differ.
    /// </summary>
    public ReadOnlySpan<PacketSlice> Slices => _slices.AsSpan(0, Count);

    /// <summary>The link type of the packet at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public LinkType LinkTypeAt(int index)
    {
        if ((uint)index >= (uint)Count)
            ThrowIndex(index);
        return _infos[index].LinkType;
    }

    /// <summary>The capture time of the packet at <paramref name="index"/>, in nanoseconds since the Unix epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    public long TimestampAt(int index)
    {
        if ((uint)index >= (uint)Count)
            ThrowIndex(index);
        return _infos[index].Timestamp;
    }

    /// <summary>
    /// How many packets from <paramref name="start"/> on share its link type (at least 1): the run one
    /// compiled program can filter in one call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is not below <see cref="Count"/>.</exception>
    public int LinkTypeRun(int start)
    {
        var linkType = LinkTypeAt(start);
        var end = start + 1;
        while (end < Count && _infos[end].LinkType == linkType)
            end++;
        return end - start;
    }

    /// <summary>Gives the buffers back to the reader's pool and empties the batch for reuse.</summary>
    public void Release()
    {
        foreach (var array in _arrays)
            _pool?.Return(array);
        _arrays.Clear();
        Array.Clear(_slices, 0, Count);
        Count = 0;
        Error = null;
        EndPosition = 0;
    }

    internal void Own(byte[] array, SegmentPool pool)
    {
        _pool = pool;
        _arrays.Add(array);
    }

    internal void Add(in PacketRecord record, byte[] array)
    {
        if (Count == _slices.Length)
            Grow();
        _slices[Count] = record.Slice(array);
        _infos[Count++] = record.Info;
    }

    private void Grow()
    {
        var size = _slices.Length * 2;
        Array.Resize(ref _slices, size);
        Array.Resize(ref _infos, size);
    }

    private static void ThrowIndex(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "past the last packet of the batch");
}

/// <summary>Where in its buffer a packet is and what its header said: a packet that outlives the reader's span.</summary>
internal readonly struct PacketRecord
{
    private readonly long _timestamp;
    private readonly int _offset;
    private readonly int _length;
    private readonly uint _wireLength;
    private readonly LinkType _linkType;
    private readonly int _interfaceIndex;

    /// <summary>Records <paramref name="packet"/>, whose bytes lie in <paramref name="array"/>.</summary>
    public PacketRecord(in CapturedPacket packet, byte[] array)
    {
        _offset = packet.Data.IsEmpty ? 0
            : (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(array), ref MemoryMarshal.GetReference(packet.Data));
        _length = packet.Data.Length;
        _wireLength = packet.WireLength;
        _timestamp = packet.Timestamp;
        _linkType = packet.LinkType;
        _interfaceIndex = packet.InterfaceIndex;
    }

    /// <summary>The packet's bytes again, in <paramref name="array"/> (the one it was recorded with).</summary>
    public PacketSlice Slice(byte[] array) => new(array, _offset, _length, _wireLength);

    /// <summary>What the header said besides the lengths.</summary>
    public PacketInfo Info => new(_timestamp, _linkType, _interfaceIndex);
}

/// <summary>A batch packet's header facts the engines do not need.</summary>
internal readonly record struct PacketInfo(long Timestamp, LinkType LinkType, int InterfaceIndex);
