namespace Capture.Pcapfile;

/// <summary>
/// The read buffers of a reader that hands out <see cref="PacketBatch"/>es: a batch keeps the buffer
/// its packets live in until it is released, so the reader refills into another one from here.
/// Rented by the reading thread, returned by whichever thread releases a batch.
/// </summary>
internal sealed class SegmentPool(int size)
{
    // Enough for a reader, the batches in flight of a deep pipeline, and a spare.
    private const int MaxPooled = 64;
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
