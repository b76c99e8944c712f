namespace Capture.Pcapfile;

/// <summary>
/// The read buffers of readers that hand out <see cref="PacketBatch"/>es: a batch keeps the buffer
/// its packets live in until it is released, so the reader refills into another one from here.
/// Rented by reading threads, returned by whichever thread releases a batch; at most
/// <see cref="MaxPooled"/> are kept.
/// </summary>
internal sealed class SegmentPool(int size)
{
    // Enough for the read-ahead and the batches in flight of a pipeline on many cores.
    private const int MaxPooled = 40;
    private readonly Stack<byte[]> _free = new();

    /// <summary>The size of pooled buffers; larger ones (for records that do not fit) are not kept.</summary>
    public int Size { get; } = size;

    public byte[] Rent(int minimum)
    {
        if (minimum <= Size)
        {
            lock (_free)
            {
                if (_free.TryPop(out var array))
                    return array;
            }
        }
        return new byte[Math.Max(minimum, Size)];
    }

    public void Return(byte[] array)
    {
        if (array.Length != Size)
            return;
        lock (_free)
        {
            if (_free.Count < MaxPooled)
                _free.Push(array);
        }
    }
}
