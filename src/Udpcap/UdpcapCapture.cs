using System.Net.NetworkInformation;
using System.Net.Sockets;
using Bpf.Filtering;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Udpcap;

/// <summary>
/// One capture (a live device or a file replay) feeding any number of <see cref="UdpcapSocket"/>s through a
/// demultiplexer. Its capture filter is rebuilt from the sockets' bindings, groups and loopback settings on
/// every change, compiled with our compiler, and installed in the driver (live devices) or run in managed
/// code (other sources). A pump thread reads the source; live captures start at the first bind, other
/// sources at the first receive (or <see cref="Start"/>), so a replay reaches every socket bound before.
/// </summary>
public sealed partial class UdpcapCapture : IDisposable
{
    private readonly IPacketSource _source;
    private readonly bool _leaveOpen;
    private readonly bool _startOnBind;
    private readonly object _gate = new();
    private readonly List<UdpcapSocket> _sockets = [];
    private readonly DropCounters _counters = new();
    private readonly Demultiplexer _demux;
    private readonly DatagramDecoder _decoder;
    private readonly uint[] _own;
    // The capture filter run in managed code (sources other than live devices): compiled for the source's
    // link type, and for each further link type a pcapng file brings (null where it cannot be filtered).
    private PacketFilterCache? _filter;
    private Thread? _pump;
    private volatile bool _stopping;
    private bool _disposed;

    private UdpcapCapture(IPacketSource source, UdpcapOptions options, bool leaveOpen)
    {
        _source = source;
        _leaveOpen = leaveOpen;
        // A live source (one that takes kernel filters) starts at the first bind; a replay waits for receivers.
        _startOnBind = source is IKernelFilterTarget;
        _own = options.OwnAddresses.Select(Ipv4EndPoint.FromIPAddress).ToArray();
        _demux = new Demultiplexer(_counters, _own);
        _decoder = new DatagramDecoder(options, _demux, _counters);
    }

    /// <summary>Creates a capture over any packet source, e.g. <c>CaptureFileReader.Open(path)</c>.</summary>
    /// <param name="source">The packets; disposed with the capture unless <paramref name="leaveOpen"/>.</param>
    /// <param name="options">Stack settings (defaults: <see cref="UdpcapOptions.Default"/>).</param>
    /// <param name="leaveOpen">Leave <paramref name="source"/> open when the capture is disposed.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static UdpcapCapture Create(IPacketSource source, UdpcapOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new UdpcapCapture(source, options ?? UdpcapOptions.Default, leaveOpen);
    }

    /// <summary>
    /// Opens live device <paramref name="deviceName"/> (e.g. <c>lo</c>) for the stack through
    /// <paramref name="open"/>, the capture backend's open (the stack depends on no backend), e.g.
    /// <c>r =&gt; LiveDevice.Open(r.DeviceName, new LiveCaptureOptions { Snaplen = r.Snaplen, ... })</c>.
    /// Unless options say otherwise, UDP checksums left to offload are accepted
    /// (<see cref="UdpChecksumPolicy.VerifyOrOffloadPending"/>) and the addresses of every local interface
    /// count as this host's.
    /// </summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.BackendUnavailable"/>: no capture library, no such device, or no permission.</exception>
    public static UdpcapCapture OpenLive(string deviceName, Func<LiveSourceRequest, IPacketSource> open, UdpcapOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceName);
        ArgumentNullException.ThrowIfNull(open);
        options ??= UdpcapOptions.Default with { UdpChecksum = UdpChecksumPolicy.VerifyOrOffloadPending };
        options = options with { OwnAddresses = [.. options.OwnAddresses, .. LocalAddresses()] };
        options.Validate();
        IPacketSource device;
        try
        {
            device = open(LiveSourceRequest.For(deviceName));
        }
        catch (Exception e) when (e is IOException or DllNotFoundException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            throw new UdpcapException(UdpcapError.BackendUnavailable, $"cannot capture on '{deviceName}': {e.Message}", e);
        }
        return new UdpcapCapture(device, options, leaveOpen: false);
    }

    /// <summary>Creates an unbound socket receiving from this capture.</summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>: the capture was disposed.</exception>
    public UdpcapSocket CreateSocket() => new(this);

    /// <summary>The link type of the source.</summary>
    public LinkType LinkType => _source.LinkType;

    /// <summary>The capture filter currently in force, or null while nothing is bound.</summary>
    public string? FilterExpression { get; private set; }

    /// <summary>A snapshot of the counters.</summary>
    public UdpcapStatistics Statistics => _counters.Snapshot(_decoder.Reassembler.InFlight, _decoder.Reassembler.Bytes);

    /// <summary>True once the source ended (a replay reached its end) or failed.</summary>
    public bool HasEnded { get; private set; }

    // Why the source ended early (null at its normal end), told again to every receiver that comes later.
    private Exception? _endFault;

    /// <summary>Starts reading the source now (idempotent).</summary>
    /// <exception cref="UdpcapException"><see cref="UdpcapError.Closed"/>: the capture was disposed.</exception>
    public void Start()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_pump is not null)
                return;
            _pump = new Thread(Pump) { IsBackground = true, Name = "udpcap pump" };
            _pump.Start();
        }
    }

    /// <summary>Stops the pump, closes every socket and (unless left open) the source.</summary>
    public void Dispose()
    {
        Thread? pump;
        UdpcapSocket[] sockets;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _stopping = true;
            pump = _pump;
            sockets = [.. _sockets];
        }
        foreach (var socket in sockets)
            socket.Close();
        // Disposing a live source ends a read blocked in the driver (with the source left open, the pump sees
        // the stop at its next read timeout).
        if (_source is IKernelFilterTarget && !_leaveOpen)
            _source.Dispose();
        pump?.Join(TimeSpan.FromSeconds(5));
        if (!_leaveOpen)
            _source.Dispose();
    }

    /// <summary>Reads one packet and runs it through the stack on the calling thread (benchmarks, no pump).</summary>
    internal bool PumpOne()
    {
        if (_source.ReadPacket(out var packet) != PacketReadStatus.Packet)
            return false;
        Process(packet);
        return true;
    }

    private void Pump()
    {
        Exception? fault = null;
        try
        {
            while (!_stopping)
            {
                var status = _source.ReadPacket(out var packet);
                if (status == PacketReadStatus.End)
                    break;
                if (status == PacketReadStatus.Packet)
                    Process(packet);
            }
        }
        catch (Exception e) when (!_stopping && e is InvalidDataException or IOException)
        {
            fault = e;
        }
        UdpcapSocket[] sockets;
        lock (_gate)
        {
            HasEnded = true;
            _endFault = fault;
            sockets = [.. _sockets];
        }
        foreach (var socket in sockets)
            socket.Queue.End(fault);
    }

    private void Process(in CapturedPacket packet)
    {
        // A link type our compiler cannot filter IPv4 on passes unfiltered (the decoder still drops what is not IPv4/UDP).
        var filters = Volatile.Read(ref _filter);
        if (filters is not null && filters.TryGet(packet.LinkType, ManagedSnaplen, out var filter))
        {
            if (filter.Run(packet.Data, packet.WireLength) == 0)
            {
                _counters.Packet();
                _counters.Drop(DropReason.Filtered);
                return;
            }
        }
        _decoder.Process(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
    }

    private static IEnumerable<System.Net.IPAddress> LocalAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
