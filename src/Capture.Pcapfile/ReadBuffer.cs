namespace Capture.Pcapfile;

/// <summary>
/// A forward-only window over a stream, refilled with large reads. Readers parse records straight
/// out of <see cref="Array"/> between <see cref="Start"/> and <see cref="End"/>, so a packet's bytes
/// are a slice of this buffer until the next refill.
/// </summary>
internal sealed class ReadBuffer : IDisposable
{
    /// <summary>
    /// Big enough that read calls cost nothing next to copying, small enough to stay in a core's L2
    /// cache between the kernel's copy and our parse (measured: 256-512 KiB beat 1-4 MiB).
    /// </summary>
    public const int DefaultSize = 512 << 10;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    // The largest array .NET allocates for bytes; record lengths are capped far below it anyway.
    private const int MaxSize = 0x7FFFFFC7;

    private long _arrayOffset;
    private bool _endOfStream;
    private SegmentPool? _pool;
    private SegmentPrefetcher? _prefetcher;
    private readonly List<byte[]> _retired = [];

    public ReadBuffer(Stream stream, bool leaveOpen, int size = DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
            throw new ArgumentException("the stream cannot be read", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        Length = stream.CanSeek ? stream.Length : null;
        _arrayOffset = stream.CanSeek ? stream.Position : 0;
        Array = new byte[size];
    }

    /// <summary>The stream's length when it can tell (files), for progress reports.</summary>
    public long? Length { get; }

    /// <summary>The buffer; valid bytes are <c>[Start, End)</c>.</summary>
    public byte[] Array { get; private set; }

    /// <summary>Index of the first unread byte.</summary>
    public int Start { get; set; }

    /// <summary>Index after the last valid byte.</summary>
    public int End { get; private set; }

    /// <summary>Bytes buffered and not yet consumed.</summary>
    public int Available => End - Start;

    /// <summary>The file offset of the first unread byte.</summary>
    public long Position => _arrayOffset + Start;

    /// <summary>The unread bytes.</summary>
    public ReadOnlySpan<byte> Span => new(Array, Start, End - Start);

    /// <summary>
    /// Makes at least <paramref name="count"/> unread bytes available if the stream has them, and
    /// returns how many are available (fewer only at the end of the stream). Moves unread bytes to
    /// the front, which invalidates spans handed out earlier.
    /// </summary>
    public int Ensure(int count)
    {
        if (End - Start >= count)
            return End - Start;
        if (_prefetcher is not null)
            return EnsurePrefetched(count);
        if (Start > 0 && Array.Length - Start < count)
            Shift(_pool is null ? Array : _pool.Rent(count));
        while (End - Start < count && !_endOfStream)
        {
            if (End == Array.Length)
            {
                // Only reached with Start == 0 and count > Array.Length. Grow by doubling as data
                // actually arrives: a huge length field in a short file or pipe then costs at most
                // twice the bytes that really exist, never the length it claims.
                Shift(new byte[(int)Math.Min(count, Math.Min(MaxSize, 2L * Array.Length))]);
            }
            var read = _stream.Read(Array, End, Array.Length - End);
            if (read == 0)
                _endOfStream = true;
            End += read;
        }
        return End - Start;
    }

    /// <summary>
    /// From now on, never moves bytes inside an array: refills go to a fresh array from
    /// <paramref name="pool"/> and the old one is listed in <see cref="Retired"/>, so spans handed out
    /// from it stay valid for as long as whoever takes it keeps it. For a file, also reads it ahead
    /// in segments on other threads (see <see cref="SegmentPrefetcher"/>). <paramref name="pool"/>
    /// must hand out arrays of <see cref="SegmentPrefetcher.ArraySize"/> bytes. Calls after the first do nothing.
    /// </summary>
    public void Prefetch(SegmentPool pool, int depth)
    {
        if (_pool is not null)
            return;
        _pool = pool;
        if (_prefetcher is null && !_endOfStream && _stream is FileStream { CanSeek: true } file)
            _prefetcher = new SegmentPrefetcher(file.SafeFileHandle, _arrayOffset + End, pool, depth);
    }

    private int EnsurePrefetched(int count)
    {
        while (End - Start < count && !_endOfStream)
        {
            var (segment, length, offset) = _prefetcher!.Next();
            if (length == 0)
            {
                _pool!.Return(segment);
                _endOfStream = true;
                break;
            }
            var tail = End - Start;
            if (tail <= SegmentPrefetcher.Headroom)
            {
                // The usual case: the unfinished record goes in front of the next segment.
                Buffer.BlockCopy(Array, Start, segment, SegmentPrefetcher.Headroom - tail, tail);
                _retired.Add(Array);
                Array = segment;
                Start = SegmentPrefetcher.Headroom - tail;
                End = SegmentPrefetcher.Headroom + length;
                _arrayOffset = offset - SegmentPrefetcher.Headroom;
                continue;
            }
            // A record longer than the headroom: gather it in a larger array, appending where there
            // is room and doubling otherwise (as the data arrives, whatever length a record claims).
            if (Array.Length - End < length)
            {
                var size = (int)Math.Min(MaxSize, Math.Max(tail + (long)length, Math.Min(count, 2L * (tail + length))));
                Shift(new byte[size]);
            }
            Buffer.BlockCopy(segment, SegmentPrefetcher.Headroom, Array, End, length);
            End += length;
            _pool!.Return(segment);
        }
        return End - Start;
    }

    /// <summary>Arrays left behind by refills since the caller last cleared the list, oldest first.</summary>
    public List<byte[]> Retired => _retired;

    /// <summary>Consumes <paramref name="count"/> bytes (at most <see cref="Available"/>).</summary>
    public void Advance(int count) => Start += count;

    private void Shift(byte[] target)
    {
        var available = End - Start;
        if (!ReferenceEquals(target, Array))
        {
            Buffer.BlockCopy(Array, Start, target, 0, available);
            if (_pool is not null)
                _retired.Add(Array);
            Array = target;
        }
        else
        {
            Buffer.BlockCopy(Array, Start, Array, 0, available);
        }
        _arrayOffset += Start;
        Start = 0;
        End = available;
    }

    public void Dispose()
    {
        _prefetcher?.Dispose();
        _prefetcher = null;
        if (!_leaveOpen)
            _stream.Dispose();
    }
}
