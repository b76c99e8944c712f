using System.Net;

namespace Udpcap;

/// <summary>
/// A receive-only UDP/IPv4 socket fed by a <see cref="UdpcapCapture"/> instead of the kernel: bind, join
/// groups, receive. One thread receives at a time; <see cref="Close"/> from any thread ends its wait promptly.
/// </summary>
/// <example>
/// <code>
/// using var capture = UdpcapCapture.OpenLive("lo", r => LiveDevice.Open(r.DeviceName, new LiveCaptureOptions { Snaplen = r.Snaplen, Immediate = true }));
/// using var socket = capture.CreateSocket();
/// socket.Bind(IPAddress.Any, 5000);
/// var buffer = new byte[65536];
/// var result = socket.Receive(buffer, TimeSpan.FromSeconds(1));
/// </code>
/// </example>
public sealed class UdpcapSocket : IDisposable
{
    /// <summary>The default receive buffer, as Linux's default <c>SO_RCVBUF</c> rounded up.</summary>
    public const int DefaultReceiveBufferSize = 256 * 1024;

    private readonly UdpcapCapture _capture;
    private readonly object _gate = new();
    private readonly List<uint> _groups = [];
    private int _receiveBufferSize = DefaultReceiveBufferSize;
    private bool _loopback = true;
    private bool _closed;

    /// <summary>Creates an unbound socket on <paramref name="capture"/>.</summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>: the capture was disposed.</exception>
    public UdpcapSocket(UdpcapCapture capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        _capture = capture;
        Queue = new DatagramQueue(0);
        capture.Attach(this);
    }

    internal DatagramQueue Queue { get; private set; }

    internal SocketBinding? Binding { get; private set; }

    /// <summary>True once bound.</summary>
    public bool IsBound => LocalEndPoint is not null;

    /// <summary>The bound address and port, or null.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Bytes of datagrams (plus a small header each) held for the receiver; set it before binding.</summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.AlreadyBound"/> or <see cref="UdpcapError.Closed"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public int ReceiveBufferSize
    {
        get => _receiveBufferSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            lock (_gate)
            {
                ThrowIfClosed();
                if (IsBound)
                    throw new UdpcapException(UdpcapError.AlreadyBound, "set the receive buffer size before binding");
                _receiveBufferSize = value;
            }
        }
    }

    /// <summary>Whether multicast datagrams sent by this host are received (on by default, as <c>IP_MULTICAST_LOOP</c>).</summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>.</exception>
    public bool MulticastLoopback
    {
        get => _loopback;
        set => Update(() => _loopback = value);
    }

    /// <summary>Multicast groups joined, host order.</summary>
    public IReadOnlyList<IPAddress> MulticastGroups
    {
        get
        {
            lock (_gate)
                return _groups.Select(Ipv4EndPoint.ToIPAddress).ToList();
        }
    }

    /// <summary>Binds to <paramref name="address"/> (<see cref="IPAddress.Any"/> for every address) and <paramref name="port"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not IPv4.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="port"/> is not 1..65535.</exception>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.AlreadyBound"/>, <see cref="UdpcapError.Closed"/>, or
    /// <see cref="UdpcapError.BackendUnavailable"/> when the filter cannot be installed.</exception>
    public void Bind(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var host = Ipv4EndPoint.FromIPAddress(address);
        Update(() =>
        {
            if (IsBound)
                throw new UdpcapException(UdpcapError.AlreadyBound, $"already bound to {LocalEndPoint}");
            Queue = new DatagramQueue(_receiveBufferSize);
            LocalEndPoint = new IPEndPoint(Ipv4EndPoint.ToIPAddress(host), port);
        });
    }

    /// <summary>Binds to <paramref name="endPoint"/>.</summary>
    /// <exception cref="ArgumentException">Not IPv4.</exception>
    /// <exception cref="UdpcapException">As <see cref="Bind(IPAddress, int)"/>.</exception>
    public void Bind(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Bind(endPoint.Address, endPoint.Port);
    }

    /// <summary>Receives datagrams sent to <paramref name="group"/> on the bound port.</summary>
    /// <exception cref="ArgumentException"><paramref name="group"/> is not an IPv4 multicast address.</exception>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>.</exception>
    public void JoinMulticastGroup(IPAddress group)
    {
        var address = MulticastAddress(group);
        Update(() =>
        {
            if (!_groups.Contains(address))
                _groups.Add(address);
        });
    }

    /// <summary>Stops receiving datagrams sent to <paramref name="group"/> (nothing happens if it was not joined).</summary>
    /// <exception cref="ArgumentException"><paramref name="group"/> is not an IPv4 multicast address.</exception>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>.</exception>
    public void LeaveMulticastGroup(IPAddress group)
    {
        var address = MulticastAddress(group);
        Update(() => _groups.Remove(address));
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: forever) for a datagram and
    /// copies its payload to <paramref name="buffer"/>. A datagram larger than the buffer is consumed and reported
    /// as <see cref="ReceiveResult.Truncated"/>.
    /// </summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.NotBound"/>, <see cref="UdpcapError.Closed"/> (also when
    /// closed while waiting), or <see cref="UdpcapError.CaptureFailed"/>.</exception>
    public ReceiveResult Receive(Span<byte> buffer, TimeSpan timeout)
    {
        var queue = ReceivingQueue();
        return queue.Receive(buffer, timeout);
    }

    /// <summary>Receives like <see cref="Receive(Span{byte}, TimeSpan)"/>, asynchronously, until a datagram, the end of the capture, or cancellation.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="UdpcapException">As <see cref="Receive(Span{byte}, TimeSpan)"/>.</exception>
    public async ValueTask<ReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var queue = ReceivingQueue();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (queue.TryTake(buffer.Span, out var result, out var changed))
                return result;
            await changed!.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Unbinds and closes the socket; a receive waiting in another thread throws <see cref="UdpcapError.Closed"/>.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
                return;
            _closed = true;
            Binding = null;
        }
        Queue.Close();
        _capture.Detach(this);
    }

    /// <inheritdoc cref="Close"/>
    public void Dispose() => Close();

    private DatagramQueue ReceivingQueue()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (!IsBound)
                throw new UdpcapException(UdpcapError.NotBound, "bind the socket before receiving");
        }
        _capture.Receiving(this);
        return Queue;
    }

    private void Update(Action change)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            change();
            if (LocalEndPoint is { } local)
                Binding = new SocketBinding(Ipv4EndPoint.FromIPAddress(local.Address), (ushort)local.Port, [.. _groups], _loopback, Queue);
        }
        _capture.Changed(this);
    }

    private static uint MulticastAddress(IPAddress group)
    {
        var address = Ipv4EndPoint.FromIPAddress(group);
        if (!Ipv4EndPoint.IsMulticast(address))
            throw new ArgumentException($"{group} is not a multicast address", nameof(group));
        return address;
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw new UdpcapException(UdpcapError.Closed, "the socket is closed");
    }
}
