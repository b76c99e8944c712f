using Microsoft.Win32.SafeHandles;

namespace Capture.Pcapfile;

/// <summary>
/// Reads a file ahead of its consumer in fixed-size segments, several at once on thread-pool
/// threads: the kernel's copy out of the page cache is most of the cost of reading a cached capture,
/// and this spreads it over the cores. Each segment lands after <see cref="Headroom"/> free bytes so
/// the consumer can put the unread tail of the previous segment in front of it (one small copy)
/// and parse records across the boundary as contiguous bytes.
/// </summary>
internal sealed class SegmentPrefetcher : IDisposable
{
    /// <summary>
    /// Room before each segment's data for the previous segment's unfinished record: a whole record
    /// of libpcap's usual maximum snapshot length with its header and options fits, so only the
    /// link types allowed larger records (D-Bus, USBPcap, EBHSCR) ever need a larger array.
    /// </summary>
    public const int Headroom = SnaplenRules.MaximumSnaplen + (4 << 10);

    /// <summary>The bytes read per segment.</summary>
    public const int SegmentSize = 512 << 10;

    private readonly SafeFileHandle _handle;
    private readonly int _depth;
    private readonly Queue<Fetch> _queue = new();
    private long _nextOffset;
    private long _knownLength;

    private readonly record struct Fetch(Task<int> Read, byte[] Array, long Offset);

    /// <param name="handle">The open file; read with positional reads only, so its own position is untouched.</param>
    /// <param name="offset">Where the first segment starts.</param>
    /// <param name="pool">Where segment arrays come from (arrays of <see cref="ArraySize"/> bytes).</param>
    /// <param name="depth">How many segments are read ahead.</param>
    public SegmentPrefetcher(SafeFileHandle handle, long offset, SegmentPool pool, int depth)
    {
        _handle = handle;
        _nextOffset = offset;
        _knownLength = RandomAccess.GetLength(handle);
        Pool = pool;
        _depth = Math.Max(1, depth);
        TopUp();
    }

    /// <summary>The size of a segment array: headroom plus data.</summary>
    public const int ArraySize = Headroom + SegmentSize;

    /// <summary>The pool segment arrays are rented from (and may be given back to).</summary>
    public SegmentPool Pool { get; }

    /// <summary>
    /// The next segment in file order: its array (data from <see cref="Headroom"/>), how many bytes
    /// were read (0 at the end of the file) and the file offset of the first.
    /// </summary>
    /// <exception cref="IOException">The read failed.</exception>
    public (byte[] Array, int Length, long Offset) Next()
    {
        if (_queue.Count == 0)
        {
            // Everything up to the length seen so far was fetched: the file may have grown since.
            _knownLength = RandomAccess.GetLength(_handle);
            TopUp();
            if (_queue.Count == 0)
                return (Pool.Rent(ArraySize), 0, _nextOffset);
        }
        var fetch = _queue.Dequeue();
        var length = fetch.Read.GetAwaiter().GetResult();
        TopUp();
        return (fetch.Array, length, fetch.Offset);
    }

    private void TopUp()
    {
        while (_queue.Count < _depth && _nextOffset < _knownLength)
        {
            var array = Pool.Rent(ArraySize);
            var offset = _nextOffset;
            var handle = _handle;
            _queue.Enqueue(new Fetch(Task.Run(() => ReadFully(handle, array, offset)), array, offset));
            _nextOffset += SegmentSize;
        }
    }

    private static int ReadFully(SafeFileHandle handle, byte[] array, long offset)
    {
        var total = 0;
        while (total < SegmentSize)
        {
            var read = RandomAccess.Read(handle, array.AsSpan(Headroom + total, SegmentSize - total), offset + total);
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }

    /// <summary>Waits for reads in flight (they write into pooled arrays) and gives their arrays back.</summary>
    public void Dispose()
    {
        while (_queue.TryDequeue(out var fetch))
        {
            try
            {
                fetch.Read.Wait();
            }
            catch (AggregateException)
            {
                // Nobody will look at this segment: its failure does not matter.
            }
            Pool.Return(fetch.Array);
        }
    }
}
