using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Npcap.Native;
using Interop.Libpcap;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Capture.Npcap;

/// <summary>
/// A live capture device (libpcap, Npcap on Windows, through SharpPcap) as an <see cref="IPacketSource"/>:
/// packets come out as spans into the driver's buffer, without copying or allocating. Filters are our
/// own BPF programs, installed in the driver when it accepts them (<see cref="SetFilter(Bpf.Vm.BpfProgram)"/>).
/// </summary>
/// <remarks>
/// One thread reads (<see cref="ReadPacket"/>, <see cref="ReadStatistics"/>); any thread may
/// <see cref="Close"/> it, which makes a blocked read return <see cref="PacketReadStatus.End"/> promptly.
/// </remarks>
public sealed unsafe partial class LiveDevice : IPacketSource, IKernelFilterTarget, IPacketBatchSource, IInPlacePacketSource, ICaptureCounterSource
{
    private readonly LibPcapLiveDevice _device;
    private readonly PcapHandle _handle;
    private readonly IntPtr _rawHandle;
    private readonly object _readLock = new();
    private readonly bool _nanoseconds;
    private readonly int _pollFd;
    private int _closed;
    private readonly ManualResetEventSlim _closeDone = new();
    private long _delivered;

    private LiveDevice(LibPcapLiveDevice device, LiveDeviceInfo info, LiveCaptureOptions options)
    {
        _device = device;
        _handle = device.Handle;
        _rawHandle = _handle.DangerousGetHandle();
        Options = options;
        _nanoseconds = LibpcapNative.pcap_get_tstamp_precision(_handle) == 1; // PCAP_TSTAMP_PRECISION_NANO
        LinkType = (LinkType)LibpcapNative.pcap_datalink(_handle);
        Snaplen = LibpcapNative.pcap_snapshot(_handle);
        Info = info with { LinkType = LinkType };
        _pollFd = OperatingSystem.IsWindows() ? -1 : MakeNonBlocking();
        FilterMessage = "no filter: every packet is captured";
    }

    /// <summary>
    /// Opens the device called <paramref name="name"/> (see <see cref="LiveDevices.List"/>) and starts capturing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="LiveCaptureException">The capture library is missing, no device has that name,
    /// or it cannot be opened with these options (capture usually needs root or CAP_NET_RAW).</exception>
    public static LiveDevice Open(string name, LiveCaptureOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new LiveCaptureOptions();
        options.Validate();
        var device = LiveDevices.Enumerate().FirstOrDefault(d => d.Name == name)
            ?? throw new LiveCaptureException(LiveCaptureError.NoSuchDevice, $"no capture device is called '{name}' (`bpf devices` lists them)");
        var failures = new List<string>();
        var configuration = CreateConfiguration(options, failures);
        try
        {
            device.Open(configuration);
        }
        catch (Exception e) when (e is PcapException or PlatformNotSupportedException)
        {
            device.Close();
            throw new LiveCaptureException(LiveCaptureError.OpenFailed, $"cannot open '{name}': {e.Message}", e);
        }
        if (failures.Count > 0)
        {
            device.Close();
            throw new LiveCaptureException(LiveCaptureError.OpenFailed, $"cannot open '{name}': {string.Join("; ", failures)}");
        }
        try
        {
            return new LiveDevice(device, LiveDevices.Describe(device, null), options);
        }
        catch
        {
            device.Close();
            throw;
        }
    }

    private static DeviceConfiguration CreateConfiguration(LiveCaptureOptions options, List<string> failures)
    {
        var configuration = new DeviceConfiguration
        {
            Snaplen = options.Snaplen,
            Mode = options.Promiscuous ? DeviceModes.Promiscuous : DeviceModes.None,
            ReadTimeout = options.TimeoutMilliseconds,
            Immediate = options.Immediate,
            BufferSize = options.BufferSize,
            TimestampResolution = options.NanosecondTimestamps ? TimestampResolution.Nanosecond : null,
        };
        // SharpPcap applies these through Npcap-only calls; elsewhere they would fail the open.
        if (OperatingSystem.IsWindows())
        {
            configuration.KernelBufferSize = options.KernelBufferSize
                ?? (options.BufferSize is null ? LiveCaptureOptions.NpcapDefaultKernelBufferSize : null);
            configuration.MinToCopy = options.Immediate ? 0 : options.MinToCopy ?? LiveCaptureOptions.NpcapDefaultMinToCopy;
        }
        configuration.ConfigurationFailed += (_, e) =>
        {
            // Nanosecond stamps are a wish: fall back to microseconds quietly.
            if (e.Property != nameof(DeviceConfiguration.TimestampResolution))
                failures.Add($"{e.Property}: {e.Message}");
        };
        return configuration;
    }

    /// <summary>The device's name and addresses, with its link type.</summary>
    public LiveDeviceInfo Info { get; }

    /// <summary>The device's name.</summary>
    public string Name => Info.Name;

    /// <summary>The options it was opened with.</summary>
    public LiveCaptureOptions Options { get; }

    /// <inheritdoc />
    public LinkType LinkType { get; }

    /// <inheritdoc />
    public int Snaplen { get; }

    /// <summary>True once <see cref="Close"/> (or <see cref="Dispose"/>) was called.</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>True when time stamps have nanosecond resolution (else microseconds).</summary>
    public bool HasNanosecondTimestamps => _nanoseconds;

    /// <summary>
    /// Returns the next packet that passes the filter, or false on a read timeout or once closed
    /// (use <see cref="ReadPacket"/> to tell them apart).
    /// </summary>
    /// <exception cref="LiveCaptureException">The driver reported a read error.</exception>
    public bool TryReadPacket(out CapturedPacket packet) => ReadPacket(out packet) == PacketReadStatus.Packet;

    /// <summary>
    /// Waits up to the read timeout for the next packet that passes the filter. The packet's bytes
    /// point into the driver's buffer and stay valid until the next read or close.
    /// </summary>
    /// <returns><see cref="PacketReadStatus.Packet"/>, <see cref="PacketReadStatus.Timeout"/>, or
    /// <see cref="PacketReadStatus.End"/> once the device is closed.</returns>
    /// <exception cref="InvalidOperationException">Statistics mode is on (use <see cref="ReadStatistics"/>).</exception>
    /// <exception cref="LiveCaptureException">The driver reported a read error.</exception>
    public PacketReadStatus ReadPacket(out CapturedPacket packet)
    {
        if (_statisticsMode)
            throw new InvalidOperationException("statistics mode is on: read counters with ReadStatistics");
        lock (_readLock)
        {
            var status = ReadFiltered(out packet);
            if (status == PacketReadStatus.Packet)
                _delivered++;
            return status;
        }
    }

    /// <summary>
    /// One read from the driver, with the managed filter applied when the driver could not take it.
    /// Rejected packets do not end the read early: it goes on until the read timeout is used up.
    /// </summary>
    private PacketReadStatus ReadFiltered(out CapturedPacket packet)
    {
        var deadline = Options.TimeoutMilliseconds == 0 ? long.MaxValue : Environment.TickCount64 + Options.TimeoutMilliseconds;
        while (true)
        {
            var status = ReadRaw(deadline, out var data, out var wireLength, out var timestamp);
            if (status != PacketReadStatus.Packet)
            {
                packet = default;
                return status;
            }
            var keep = ApplyManagedFilter(data, wireLength);
            if (keep > 0)
            {
                packet = new CapturedPacket(data[..(int)Math.Min(keep, (uint)data.Length)], wireLength, timestamp, LinkType);
                return PacketReadStatus.Packet;
            }
            if (Environment.TickCount64 >= deadline)
            {
                packet = default;
                return PacketReadStatus.Timeout;
            }
        }
    }

    /// <summary>
    /// Reads one packet from the driver, waiting until <paramref name="deadline"/> (<see cref="Environment.TickCount64"/>);
    /// the caller holds the read lock.
    /// </summary>
    /// <remarks>
    /// On Unix the handle is non-blocking and we poll its descriptor ourselves, in short slices so a
    /// close is noticed: libpcap 1.10's blocking read on Linux ignores the read timeout and would wait
    /// for a packet forever. Npcap's blocking read honours the timeout and wakes on <c>pcap_breakloop</c>.
    /// </remarks>
    private PacketReadStatus ReadRaw(long deadline, out ReadOnlySpan<byte> data, out uint wireLength, out long timestamp)
    {
        data = default;
        wireLength = 0;
        timestamp = 0;
        while (true)
        {
            if (IsClosed)
                return PacketReadStatus.End;
            IntPtr header, bytes;
            var result = LibpcapNative.pcap_next_ex(_handle, &header, &bytes);
            if (result == 1)
            {
                PacketHeader.Read(header, _nanoseconds, out timestamp, out var captureLength, out wireLength);
                data = new ReadOnlySpan<byte>((void*)bytes, (int)captureLength);
                return PacketReadStatus.Packet;
            }
            if (result != 0)
            {
                if (result == LibpcapNative.ErrorBreak || IsClosed)
                    return PacketReadStatus.End;
                throw new LiveCaptureException(LiveCaptureError.ReadFailed, $"reading from '{Name}' failed: {LibpcapNative.LastError(_handle)}");
            }
            if (!WaitForPackets(deadline))
                return PacketReadStatus.Timeout;
        }
    }

    /// <summary>Unix: switches the handle to non-blocking reads and returns the descriptor to poll.</summary>
    private int MakeNonBlocking()
    {
        var error = stackalloc byte[256]; // PCAP_ERRBUF_SIZE
        var fd = LibpcapNative.pcap_get_selectable_fd(_handle);
        if (fd < 0 || LibpcapNative.pcap_setnonblock(_handle, 1, error) != 0)
            throw new LiveCaptureException(LiveCaptureError.OpenFailed,
                $"'{Info.Name}' offers no pollable descriptor: {System.Runtime.InteropServices.Marshal.PtrToStringAnsi((IntPtr)error)}");
        return fd;
    }

    /// <summary>
    /// Sends <paramref name="frame"/> (a complete link-layer frame, without FCS) <paramref name="repeat"/> times.
    /// May be called while another thread reads.
    /// </summary>
    /// <exception cref="ArgumentException">The frame is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="repeat"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    /// <exception cref="LiveCaptureException">The driver refused to send it.</exception>
    public void Send(ReadOnlySpan<byte> frame, int repeat = 1)
    {
        if (frame.IsEmpty)
            throw new ArgumentException("a frame needs at least one byte", nameof(frame));
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        ObjectDisposedException.ThrowIf(IsClosed, this);
        fixed (byte* bytes = frame)
            for (var i = 0; i < repeat; i++)
                if (LibpcapNative.pcap_sendpacket(_handle, bytes, frame.Length) != 0)
                    throw new LiveCaptureException(LiveCaptureError.SendFailed,
                        $"sending on '{Name}' failed after {i} of {repeat} frames: {LibpcapNative.LastError(_handle)}");
    }

    /// <summary>
    /// Stops capturing and releases the device. Safe from any thread and more than once: a read
    /// blocked in another thread returns <see cref="PacketReadStatus.End"/>. The driver's counters are
    /// read just before the handle goes, so <see cref="Statistics"/> still tells what was dropped.
    /// </summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        // Wakes a read blocked in Npcap (it signals the read event); on Unix our poll slices notice the flag.
        LibpcapNative.pcap_breakloop(_handle);
        try
        {
            lock (_readLock)
            {
                _finalStatistics = TryReadStatistics();
                _device.Close();
            }
        }
        finally
        {
            _closeDone.Set();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    /// <summary>
    /// Waits until the device has packets, the deadline (Environment.TickCount64) passes, or 50 ms go
    /// by (so a Close from another thread is seen); false when the deadline has passed or the device
    /// cannot be polled, so the read reports a timeout.
    /// </summary>
    private bool WaitForPackets(long deadline)
    {
        var remaining = deadline - Environment.TickCount64;
        if (_pollFd < 0 || remaining <= 0)
            return false;
        const int CloseCheckMilliseconds = 50;
        var poll = new Libc.PollFd { Fd = _pollFd, Events = Libc.PollIn };
        _ = Libc.poll(&poll, 1, (int)Math.Min(remaining, CloseCheckMilliseconds));
        return true;
    }
}
