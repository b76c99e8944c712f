namespace Capture.Pcapfile;

/// <summary>
/// Collects whole records and hands them to the stream in large writes. Records are never split
/// across writes, so a file cut short by a crash or a full disk still ends at a record boundary.
/// </summary>
internal sealed class WriteBuffer : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _used;
    private bool _disposed;

    public WriteBuffer(Stream stream, bool leaveOpen, int size = ReadBuffer.DefaultSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
            throw new ArgumentException("the stream cannot be written", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = new byte[size];
    }

    /// <summary>Returns space for one record of <paramref name="length"/> bytes; call <see cref="Commit"/> after filling it.</summary>
    public Span<byte> Reserve(int length)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_buffer.Length - _used < length)
        {
            Drain();
            if (length > _buffer.Length)
                _buffer = new byte[length];
        }
        return _buffer.AsSpan(_used, length);
    }

    /// <summary>Adds the reserved record to the output.</summary>
    public void Commit(int length) => _used += length;

    /// <summary>Writes buffered records to the stream and flushes it.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Drain();
        _stream.Flush();
    }

    private void Drain()
    {
        if (_used == 0)
            return;
        _stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        try
        {
            Drain();
            _stream.Flush();
        }
        finally
        {
            _disposed = true;
            if (!_leaveOpen)
                _stream.Dispose();
        }
    }
}
