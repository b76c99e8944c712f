namespace Udpcap;

/// <summary>A snapshot of a capture's counters.</summary>
public sealed class UdpcapStatistics
{
    private readonly long[] _drops;

    internal UdpcapStatistics(long packets, long datagrams, long[] drops, int fragmentsInFlight, long bytesInFlight)
    {
        Packets = packets;
        Datagrams = datagrams;
        _drops = drops;
        DatagramsInReassembly = fragmentsInFlight;
        BytesInReassembly = bytesInFlight;
    }

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
        $"packets {Packets}, delivered {Datagrams}, " +
        string.Join(", ", Enum.GetValues<DropReason>().Where(r => this[r] != 0).Select(r => $"{r} {this[r]}"));
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

    public UdpcapStatistics Snapshot(int inFlight, long bytesInFlight)
    {
        var copy = new long[_drops.Length];
        for (var i = 0; i < copy.Length; i++)
            copy[i] = Volatile.Read(ref _drops[i]);
        return new UdpcapStatistics(Volatile.Read(ref _packets), Volatile.Read(ref _datagrams), copy, inFlight, bytesInFlight);
    }
}
