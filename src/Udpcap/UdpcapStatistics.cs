using Bpf.Vm.Capture;

namespace Udpcap;

/// <summary>
/// A snapshot of a capture's counters: the stack's own (packets looked at, datagrams delivered, and a counter per
/// <see cref="DropReason"/>) next to the kernel's or driver's (<see cref="Capture"/>), which count what was lost
/// before the stack saw it.
/// </summary>
public sealed class UdpcapStatistics
{
    private readonly long[] _drops;

    internal UdpcapStatistics(long packets, long datagrams, long[] drops, int fragmentsInFlight, long bytesInFlight, CaptureCounters? capture = null)
    {
        Capture = capture;
        Packets = packets;
        Datagrams = datagrams;
        _drops = drops;
        DatagramsInReassembly = fragmentsInFlight;
        BytesInReassembly = bytesInFlight;
    }

    /// <summary>
    /// The live capture's counters from the kernel or driver (<c>pcap_stats</c>): packets its filter passed, packets
    /// dropped because the capture buffer was full, and packets the interface dropped; still readable after the
    /// capture was disposed. Null for sources without such counters (a file replay) or when the driver cannot report them.
    /// </summary>
    public CaptureCounters? Capture { get; }

    /// <summary>Captured packets the stack looked at.</summary>
    public long Packets { get; }

    /// <summary>Datagram copies handed to sockets (one datagram reaching two sockets counts twice).</summary>
    public long Datagrams { get; }

    /// <summary>Datagrams currently waiting for fragments.</summary>
    public int DatagramsInReassembly { get; }

    /// <summary>Buffer bytes currently held by reassembly.</summary>
    public long BytesInReassembly { get; }

    /// <summary>The counter of one drop reason.</summary>
    public long this[DropReason reason] => _drops[(int)reason];

    /// <inheritdoc />
    public override string ToString() =>
        (Capture is { } c ? $"capture received {c.Received}, dropped by kernel {c.DroppedByKernel}, dropped by interface {c.DroppedByInterface}; " : "") +
        string.Join(", ", new[] { $"packets {Packets}", $"delivered {Datagrams}" }
            .Concat(Enum.GetValues<DropReason>().Where(r => this[r] != 0).Select(r => $"{r} {this[r]}")));
}

/// <summary>The counters the single pump thread increments and other threads snapshot.</summary>
internal sealed class DropCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private long _packets;
    private long _datagrams;

    public void Drop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    public void Packet() => _packets++;

    public void Delivered() => _datagrams++;

    public long this[DropReason reason] => Volatile.Read(ref _drops[(int)reason]);

    public UdpcapStatistics Snapshot(int inFlight, long bytesInFlight, CaptureCounters? capture = null)
    {
        var copy = new long[_drops.Length];
        for (var i = 0; i < copy.Length; i++)
            copy[i] = Volatile.Read(ref _drops[i]);
        return new UdpcapStatistics(Volatile.Read(ref _packets), Volatile.Read(ref _datagrams), copy, inFlight, bytesInFlight, capture);
    }
}
