using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// A write-only stream that hands its writes to a thread of its own, so the kernel's work of
/// writing the output (most of the cost of extracting many packets) overlaps with reading and
/// filtering the input. Writes are copied into a few pooled buffers and written in order; a write
/// error is rethrown by the next call. <see cref="Flush"/> and <see cref="Dispose(bool)"/> wait until
/// everything queued is written, so a finished output is complete.
/// </summary>
internal sealed class BackgroundWriteStream : Stream
{
    private const int ChunkSize = 1 << 20;
    private const int MaxQueued = 8;

    private readonly Stream _inner;
    private readonly BlockingCollection<(byte[] Buffer, int Count)> _queue = new(MaxQueued);
    private readonly ConcurrentBag<byte[]> _free = [];
    private readonly Thread _writer;
    private byte[] _current;
    private int _used;
    private readonly ManualResetEventSlim _idle = new(true);
    private int _pending;
    private volatile ExceptionDispatchInfo? _failure;
    private bool _disposed;

    public BackgroundWriteStream(Stream inner)
    {
        _inner = inner;
        _current = new byte[ChunkSize];
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "bpf output" };
        _writer.Start();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_disposed;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _failure?.Throw();
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _current.Length - _used);
            buffer[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            buffer = buffer[n..];
            if (_used == _current.Length)
                Hand();
        }
    }

    /// <summary>Waits until everything written so far is in the underlying stream, and flushes it.</summary>
    public override void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Hand();
        _idle.Wait();
        _failure?.Throw();
        _inner.Flush();
    }

    private void Hand()
    {
        if (_used == 0)
            return;
        // Counted before it is queued, so the writer cannot report idle with this chunk unwritten.
        Interlocked.Increment(ref _pending);
        _idle.Reset();
        _queue.Add((_current, _used));
        _current = _free.TryTake(out var next) ? next : new byte[ChunkSize];
        _used = 0;
    }

    private void WriteLoop()
    {
        foreach (var (buffer, count) in _queue.GetConsumingEnumerable())
        {
            try
            {
                if (_failure is null)
                    _inner.Write(buffer, 0, count);
            }
            catch (Exception e)
            {
                _failure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                _free.Add(buffer);
                if (Interlocked.Decrement(ref _pending) == 0)
                    _idle.Set();
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            Hand();
            _queue.CompleteAdding();
            _writer.Join();
            _failure?.Throw();
            _inner.Flush();
        }
        finally
        {
            _inner.Dispose();
            _queue.Dispose();
            _idle.Dispose();
            base.Dispose(disposing);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
