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

    /// <summary>
    /// A snapshot of the stack's counters (what it delivered, what it dropped and why) and, for a live capture,
    /// the kernel's or driver's (<see cref="UdpcapStatistics.Capture"/>: received, dropped by the kernel, by the interface).
    /// </summary>
    public UdpcapStatistics Statistics =>
        _counters.Snapshot(_decoder.Reassembler.InFlight, _decoder.Reassembler.Bytes,
            _source is ICaptureCounterSource live && live.TryGetCaptureCounters(out var capture) ? capture : null);

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

    /// <summary>Reads once (a batch where the source reads in batches) and runs it through the stack on the calling thread (benchmarks and tests, no pump).</summary>
    internal bool PumpOne()
    {
        if (InPlaceSource is { } inPlace)
            return inPlace.ReadInPlace(_inPlace ??= new InPlaceConsumer(this)) == PacketReadStatus.Packet;
        if (_source is IPacketBatchSource batches)
        {
            _batch ??= batches.CreateBatch();
            if (batches.ReadBatch(_batch) != PacketReadStatus.Packet)
                return false;
            ProcessBatch(_batch);
            return true;
        }
        if (_source.ReadPacket(out var packet) != PacketReadStatus.Packet)
            return false;
        Process(packet);
        return true;
    }

    // The pump's batch (sources that read in batches) and the managed filter's verdicts, both reused.
    private IPacketBatch? _batch;
    private uint[] _verdicts = [];

    private void Pump()
    {
        Exception? fault = null;
        try
        {
            // A live source filters in the kernel (or itself): the stack decodes in its ring, copying nothing first.
            if (InPlaceSource is { } inPlace)
                PumpInPlace(inPlace);
            else if (_source is IPacketBatchSource batches)
                PumpBatches(batches);
            else
                PumpPackets();
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

    private void PumpPackets()
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

    private void PumpInPlace(IInPlacePacketSource source)
    {
        var consumer = _inPlace ??= new InPlaceConsumer(this);
        while (!_stopping)
        {
            if (source.ReadInPlace(consumer) == PacketReadStatus.End)
                break;
        }
    }

    private InPlaceConsumer? _inPlace;

    /// <summary>
    /// The source when it both filters where it captures (so the stack runs no filter of its own) and hands packets
    /// out in its ring: the decoder then reads them there. A batch would cost a copy per packet, measured at 40 ns
    /// for 100-byte packets and 105 ns for 1,400-byte ones (tests/Capture.Npcap.Tests/CopyCostTests.cs).
    /// </summary>
    private IInPlacePacketSource? InPlaceSource => _source is IKernelFilterTarget ? _source as IInPlacePacketSource : null;

    /// <summary>Decodes packets inside the source's read, while their bytes are in its ring.</summary>
    private sealed class InPlaceConsumer(UdpcapCapture capture) : IPacketConsumer
    {
        public bool Consume(in CapturedPacket packet)
        {
            capture._decoder.Process(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
            return true;
        }
    }

    /// <summary>One read per batch (a <c>pcap_dispatch</c> over the ring, a file's read buffer), one filter run per link-type run.</summary>
    private void PumpBatches(IPacketBatchSource source)
    {
        var batch = _batch ??= source.CreateBatch();
        while (!_stopping)
        {
            var status = source.ReadBatch(batch);
            if (status == PacketReadStatus.End)
                break;
            if (status == PacketReadStatus.Packet)
                ProcessBatch(batch);
        }
    }

    private void ProcessBatch(IPacketBatch batch)
    {
        var slices = batch.Slices;
        var filters = Volatile.Read(ref _filter);
        for (var start = 0; start < slices.Length;)
        {
            var run = batch.LinkTypeRun(start);
            var linkType = batch.LinkTypeAt(start);
            var packets = slices.Slice(start, run);
            // A link type our compiler cannot filter IPv4 on passes unfiltered (the decoder still drops what is not IPv4/UDP).
            PacketFilter? filter = null;
            var filtered = filters is not null && filters.TryGet(linkType, ManagedSnaplen, out filter);
            if (filtered)
            {
                if (_verdicts.Length < run)
                    _verdicts = new uint[System.Numerics.BitOperations.RoundUpToPowerOf2((uint)run)];
                filter!.RunBatch(packets, _verdicts.AsSpan(0, run));
            }
            for (var i = 0; i < packets.Length; i++)
            {
                if (filtered && _verdicts[i] == 0)
                {
                    _counters.Packet();
                    _counters.Drop(DropReason.Filtered);
                    continue;
                }
                ref readonly var packet = ref packets[i];
                _decoder.Process(packet.Data, packet.WireLength, batch.TimestampAt(start + i), linkType);
            }
            start += run;
        }
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
