using System.Buffers.Binary;

namespace Udpcap;

/// <summary>
/// A socket's receive buffer: a byte ring of whole datagrams with their endpoints, filled by the pump
/// thread and drained by one receiver. Like a kernel socket buffer, a datagram that does not fit is
/// dropped; a datagram is never split.
/// </summary>
internal sealed class DatagramQueue
{
    // Record: length (4), source address (4), destination address (4), ports (2+2), timestamp (8), payload.
    private const int RecordHeader = 24;
    private const int WrapMarker = -1;

    private readonly object _lock = new();
    private readonly byte[] _ring;
    private int _head;
    private int _tail;
    private int _used;
    private int _syncWaiters;
    private TaskCompletionSource? _asyncWaiter;
    private bool _closed;
    // The pump waits for room (at most one at a time), and gave up waiting on this receiver until it takes a datagram.
    private int _producerWaiting;
    private bool _stalled;
    private bool _ended;
    private Exception? _fault;

    public DatagramQueue(int capacity)
    {
        // Always room for the largest datagram, as the kernel's buffer accounting allows one.
        _ring = new byte[Align(Math.Max(capacity, 65536 + RecordHeader))];
    }

    public int Capacity => _ring.Length;

    private static int Align(int n) => (n + 7) & ~7;

    /// <summary>
    /// How long the pump waits, at most, for a receiver to make room in a full buffer before it drops. Meanwhile the
    /// packets wait in the capture's own buffer (32 MiB for live captures), so a receiver that falls behind for a
    /// moment loses nothing; measured under a flood of fragmented datagrams on a loaded machine, dropping at once
    /// lost about half of them while a kernel socket with the same buffer lost a third (issue 18).
    /// </summary>
    public const int RoomWaitMilliseconds = 100;

    /// <summary>
    /// Appends a datagram, waiting up to <paramref name="waitMilliseconds"/> for the receiver to make room; false when
    /// it did not. A receiver that let a wait pass is not waited for again until it takes a datagram: one that stopped
    /// reading costs the pump (and every other socket of the capture) one wait, not one per datagram.
    /// </summary>
    public bool Enqueue(in UdpDatagram datagram, int waitMilliseconds)
    {
        var need = Align(RecordHeader + datagram.Payload.Length);
        TaskCompletionSource? wake;
        lock (_lock)
        {
            long deadline = 0;
            int skip;
            while (true)
            {
                if (_closed)
                    return true;
                var toEnd = _ring.Length - _tail;
                skip = need > toEnd ? toEnd : 0;
                if (_used + skip + need <= _ring.Length)
                    break;
                if (_stalled || waitMilliseconds <= 0)
                    return false;
                if (deadline == 0)
                    deadline = Environment.TickCount64 + waitMilliseconds;
                var remaining = deadline - Environment.TickCount64;
                if (remaining <= 0)
                {
                    _stalled = true;
                    return false;
                }
                _producerWaiting++;
                try
                {
                    Monitor.Wait(_lock, (int)remaining);
                }
                finally
                {
                    _producerWaiting--;
                }
            }
            if (skip > 0)
            {
                BinaryPrimitives.WriteInt32LittleEndian(_ring.AsSpan(_tail), WrapMarker);
                _tail = 0;
            }
            var record = _ring.AsSpan(_tail, need);
            BinaryPrimitives.WriteInt32LittleEndian(record, datagram.Payload.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], datagram.Source.Address);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], datagram.Destination.Address);
            BinaryPrimitives.WriteUInt16LittleEndian(record[12..], datagram.Source.Port);
            BinaryPrimitives.WriteUInt16LittleEndian(record[14..], datagram.Destination.Port);
            BinaryPrimitives.WriteInt64LittleEndian(record[16..], datagram.Timestamp);
            datagram.Payload.CopyTo(record[RecordHeader..]);
            _tail = (_tail + need) % _ring.Length;
            _used += skip + need;
            if (_syncWaiters > 0)
                Monitor.Pulse(_lock);
            wake = _asyncWaiter;
            _asyncWaiter = null;
        }
        wake?.TrySetResult();
        return true;
    }

    /// <summary>Waits up to <paramref name="timeout"/> (infinite: <see cref="Timeout.InfiniteTimeSpan"/>) for a datagram.</summary>
    public ReceiveResult Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var infinite = timeout == Timeout.InfiniteTimeSpan;
        var deadline = infinite ? 0 : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        lock (_lock)
        {
            while (true)
            {
                if (TryTakeLocked(buffer, out var result))
                    return result;
                var remaining = infinite ? Timeout.Infinite : deadline - Environment.TickCount64;
                if (!infinite && remaining <= 0)
                    return default(ReceiveResult) with { Status = ReceiveStatus.TimedOut };
                _syncWaiters++;
                try
                {
                    Monitor.Wait(_lock, (int)Math.Min(remaining, int.MaxValue));
                }
                finally
                {
                    _syncWaiters--;
                }
            }
        }
    }

    /// <summary>Takes a datagram if one is queued, else returns a task completing when the queue changes.</summary>
    public bool TryTake(Span<byte> buffer, out ReceiveResult result, out Task? changed)
    {
        lock (_lock)
        {
            changed = null;
            if (TryTakeLocked(buffer, out result))
                return true;
            _asyncWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed = _asyncWaiter.Task;
            return false;
        }
    }

    /// <summary>Closes the queue: receivers, waiting or not, get <see cref="UdpcapError.Closed"/>.</summary>
    public void Close() => Finish(() => _closed = true);

    /// <summary>The capture ended: receivers get what is queued, then <see cref="ReceiveStatus.EndOfCapture"/> (or the fault).</summary>
    public void End(Exception? fault) => Finish(() =>
    {
        _ended = true;
        _fault = fault;
    });

    private void Finish(Action change)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            change();
            Monitor.PulseAll(_lock);
            wake = _asyncWaiter;
            _asyncWaiter = null;
        }
        wake?.TrySetResult();
    }

    private bool TryTakeLocked(Span<byte> buffer, out ReceiveResult result)
    {
        if (_closed)
            throw new UdpcapException(UdpcapError.Closed, "the socket is closed");
        if (_used == 0)
        {
            if (_fault is not null)
                throw new UdpcapException(UdpcapError.CaptureFailed, $"the capture failed: {_fault.Message}", _fault);
            result = default(ReceiveResult) with { Status = _ended ? ReceiveStatus.EndOfCapture : ReceiveStatus.TimedOut };
            return _ended;
        }
        if (_ring.Length - _head < RecordHeader || BinaryPrimitives.ReadInt32LittleEndian(_ring.AsSpan(_head)) == WrapMarker)
        {
            _used -= _ring.Length - _head;
            _head = 0;
        }
        var record = _ring.AsSpan(_head);
        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        var copied = Math.Min(length, buffer.Length);
        record.Slice(RecordHeader, copied).CopyTo(buffer);
        result = new ReceiveResult(ReceiveStatus.Received, copied, length,
            new Ipv4EndPoint(BinaryPrimitives.ReadUInt32LittleEndian(record[4..]), BinaryPrimitives.ReadUInt16LittleEndian(record[12..])),
            new Ipv4EndPoint(BinaryPrimitives.ReadUInt32LittleEndian(record[8..]), BinaryPrimitives.ReadUInt16LittleEndian(record[14..])),
            BinaryPrimitives.ReadInt64LittleEndian(record[16..]));
        var size = Align(RecordHeader + length);
        _head = (_head + size) % _ring.Length;
        _used -= size;
        if (_used == 0)
            _head = _tail = 0; // an empty ring restarts at 0, keeping records contiguous
        _stalled = false;
        if (_producerWaiting > 0)
            Monitor.PulseAll(_lock);
        return true;
    }
}
