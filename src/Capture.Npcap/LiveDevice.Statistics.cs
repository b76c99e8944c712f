using Bpf.Vm.Capture;
using Capture.Npcap.Native;
using Interop.Libpcap;

namespace Capture.Npcap;

public sealed partial class LiveDevice
{
    private bool _statisticsMode;
    private DeviceStatistics? _finalStatistics;

    /// <summary>
    /// The device's counters (<c>pcap_stats</c>: received by filter, dropped by the kernel or driver,
    /// dropped by the interface) and ours. After <see cref="Close"/>, the counters as they were read just
    /// before the handle was closed.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed and its counters could not be read then.</exception>
    /// <exception cref="LiveCaptureException">The driver cannot report statistics.</exception>
    public unsafe DeviceStatistics Statistics
    {
        get
        {
            // No read lock while open: a reader may hold it for a whole read timeout, and pcap_stats only
            // asks the kernel or driver. Once closed, wait for Close (on another thread, say Ctrl-C's) to
            // have read the counters: a reader told End by the closed flag may get here first.
            if (!IsClosed)
            {
                try
                {
                    return TryReadStatistics()
                        ?? throw new LiveCaptureException(LiveCaptureError.NotSupported, $"'{Name}' cannot report statistics: {LibpcapNative.LastError(_handle)}");
                }
                catch (ObjectDisposedException) when (IsClosed)
                {
                    // Closed during the call: fall through to the counters Close read.
                }
            }
            _closeDone.Wait(TimeSpan.FromSeconds(10));
            return _finalStatistics ?? throw new ObjectDisposedException(nameof(LiveDevice), $"'{Name}' was closed and could not report statistics then");
        }
    }

    /// <inheritdoc />
    public bool TryGetCaptureCounters(out CaptureCounters counters)
    {
        try
        {
            var stats = Statistics;
            counters = new CaptureCounters(stats.Received, stats.Dropped, stats.InterfaceDropped);
            return true;
        }
        catch (Exception e) when (e is LiveCaptureException or ObjectDisposedException)
        {
            counters = default;
            return false;
        }
    }

    /// <summary>Reads the counters now; null when the driver cannot report them.</summary>
    private unsafe DeviceStatistics? TryReadStatistics()
    {
        PcapStat stat = default;
        if (LibpcapNative.pcap_stats(_handle, &stat) != 0)
            return null;
        return new DeviceStatistics(stat.Received, stat.Dropped, stat.InterfaceDropped, Interlocked.Read(ref _delivered), Interlocked.Read(ref _managedRejected));
    }

    /// <summary>
    /// Statistics mode: instead of packets, each <see cref="ReadStatistics"/> reports how many packets
    /// and bytes passed the filter during one read-timeout interval. With Npcap the driver counts
    /// (<c>pcap_setmode(MODE_STAT)</c>) and copies no packets; elsewhere the same counts are made in
    /// managed code. <see cref="ReadPacket"/> is not allowed while it is on.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    /// <exception cref="LiveCaptureException">Npcap refused to switch modes.</exception>
    public bool StatisticsMode
    {
        get => _statisticsMode;
        set
        {
            lock (_readLock)
            {
                ObjectDisposedException.ThrowIf(IsClosed, this);
                if (value == _statisticsMode)
                    return;
                if (OperatingSystem.IsWindows()
                    && LibpcapNative.pcap_setmode(_handle, value ? LibpcapNative.ModeStatistics : LibpcapNative.ModeCapture) != 0)
                    throw new LiveCaptureException(LiveCaptureError.NotSupported, $"Npcap refused statistics mode on '{Name}': {LibpcapNative.LastError(_handle)}");
                _statisticsMode = value;
            }
        }
    }

    /// <summary>
    /// Reports the packets and bytes that passed the filter during the next read-timeout interval.
    /// </summary>
    /// <returns><see cref="PacketReadStatus.Packet"/> with a report, or <see cref="PacketReadStatus.End"/>
    /// once the device is closed (with the partial counts in managed mode).</returns>
    /// <exception cref="InvalidOperationException">Statistics mode is off, or the read timeout is infinite.</exception>
    /// <exception cref="LiveCaptureException">The driver reported a read error.</exception>
    public PacketReadStatus ReadStatistics(out CaptureStatistics statistics)
    {
        if (!_statisticsMode)
            throw new InvalidOperationException("statistics mode is off: set StatisticsMode first");
        if (Options.TimeoutMilliseconds == 0)
            throw new InvalidOperationException("statistics mode reports once per read timeout, which must not be infinite");
        lock (_readLock)
            return OperatingSystem.IsWindows() ? ReadDriverStatistics(out statistics) : CountStatistics(out statistics);
    }

    /// <summary>Npcap: each read returns one 16-byte record of counters, reset by the driver after each read.</summary>
    private PacketReadStatus ReadDriverStatistics(out CaptureStatistics statistics)
    {
        while (true)
        {
            var status = ReadRaw(Environment.TickCount64 + Options.TimeoutMilliseconds, out var record, out _, out var timestamp);
            if (status == PacketReadStatus.Packet)
            {
                statistics = CaptureStatistics.ParseNpcapRecord(record, timestamp);
                return status;
            }
            if (status == PacketReadStatus.End)
            {
                statistics = default;
                return status;
            }
        }
    }

    /// <summary>Elsewhere: capture for one interval and count what passes the filter.</summary>
    private PacketReadStatus CountStatistics(out CaptureStatistics statistics)
    {
        ulong packets = 0, bytes = 0;
        var deadline = Environment.TickCount64 + Options.TimeoutMilliseconds;
        var status = PacketReadStatus.Timeout;
        while (Environment.TickCount64 < deadline)
        {
            status = ReadFiltered(out var packet);
            if (status == PacketReadStatus.End)
                break;
            if (status == PacketReadStatus.Packet)
            {
                packets++;
                bytes += packet.WireLength;
            }
        }
        statistics = new CaptureStatistics(packets, bytes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
        return status == PacketReadStatus.End ? status : PacketReadStatus.Packet;
    }
}
