using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bpf;
using Bpf.Capture;

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
    private Record[] _records = new Record[InitialCapacity];

    /// <summary>Where a packet is and what its header said, in one cache-friendly record.</summary>
    private struct Record
    {
        public long Timestamp;
        public int Offset;
        public int Length;
        public uint WireLength;
        public LinkType LinkType;
        public int InterfaceIndex;
    }

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
            ref var record = ref _records[index];
            var data = MemoryMarshal.CreateReadOnlySpan(
                ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_packetArrays[index]), record.Offset), record.Length);
            return new CapturedPacket(data, record.WireLength, record.Timestamp, record.LinkType, record.InterfaceIndex);
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

    internal void Add(in CapturedPacket packet, byte[] array)
    {
        if (Count == _records.Length)
            Grow();
        var i = Count++;
        _packetArrays[i] = array;
        ref var record = ref _records[i];
        record.Offset = packet.Data.IsEmpty ? 0
            : (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(array), ref MemoryMarshal.GetReference(packet.Data));
        record.Length = packet.Data.Length;
        record.WireLength = packet.WireLength;
        record.Timestamp = packet.Timestamp;
        record.LinkType = packet.LinkType;
        record.InterfaceIndex = packet.InterfaceIndex;
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
