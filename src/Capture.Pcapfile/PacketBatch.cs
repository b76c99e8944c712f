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
public sealed class PacketBatch
{
    private const int InitialCapacity = 1024;

    private readonly List<byte[]> _arrays = [];
    private SegmentPool? _pool;
    private byte[][] _packetArrays = new byte[InitialCapacity][];
    private PacketRecord[] _records = new PacketRecord[InitialCapacity];

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
            return _records[index].Packet(_packetArrays[index]);
        }
    }

    /// <summary>Gives the buffers back to the reader's pool and empties the batch for reuse.</summary>
    public void Release()
    {
        foreach (var array in _arrays)
            _pool?.Return(array);
        _arrays.Clear();
        Array.Clear(_packetArrays, 0, Count);
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
        if (Count == _records.Length)
            Grow();
        _packetArrays[Count] = array;
        _records[Count++] = record;
    }

    private void Grow()
    {
        var size = _records.Length * 2;
        Array.Resize(ref _packetArrays, size);
        Array.Resize(ref _records, size);
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

    /// <summary>The packet again, its bytes in <paramref name="array"/> (the one it was recorded with).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CapturedPacket Packet(byte[] array) =>
        new(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), _offset), _length),
            _wireLength, _timestamp, _linkType, _interfaceIndex);
}
