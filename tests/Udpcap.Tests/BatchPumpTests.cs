using System.Net;
using Bpf.Vm;
using Xunit.Abstractions;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>
/// The pump reads sources that read in batches (capture files here, live devices through the same capability) a
/// batch at a time, runs the managed filter once per batch and decodes without allocating per packet.
/// </summary>
public sealed class BatchPumpTests(ITestOutputHelper output)
{
    private static readonly uint Sender = Ip("10.0.0.1");
    private static readonly uint Host = Ip("10.0.0.2");
    private const int Fragmented = 3000; // bytes of UDP payload: three fragments of 1480 at MTU 1500

    /// <summary>
    /// <paramref name="count"/> datagrams: nine of ten to port 5000 (every fifth of those fragmented), one of ten
    /// to port 6000, each payload carrying its sequence number.
    /// </summary>
    private static IEnumerable<(byte[] Frame, long Timestamp)> Flood(int count)
    {
        var time = 1_000_000_000L;
        for (var seq = 0; seq < count; seq++)
        {
            var port = (ushort)(seq % 10 == 9 ? 6000 : 5000);
            var payload = new byte[seq % 5 == 0 ? Fragmented : 64];
            BitConverter.TryWriteBytes(payload, seq);
            var udp = Udp(Sender, 4000, Host, port, payload);
            var packets = payload.Length > 1472 ? Fragments(Sender, Host, udp, 1480, (ushort)seq) : [Ipv4(Sender, Host, udp, (ushort)seq)];
            foreach (var packet in packets)
                yield return (Ethernet(packet), time += 1000);
        }
    }

    private static int Delivered(int count) => Enumerable.Range(0, count).Count(s => s % 10 != 9);

    [Fact]
    public void Replay_ManagedFilterPerBatch_DeliversEveryDatagramToItsPortInOrder()
    {
        const int Count = 5_000;
        using var replay = new Replay(LinkType.EN10MB, Flood(Count));
        replay.Capture.ManualPump = true;
        using var socket = replay.Capture.CreateSocket();
        socket.ReceiveBufferSize = 64 << 20;
        socket.Bind(IPAddress.Any, 5000);

        var reads = 0;
        while (replay.Capture.PumpOne())
            reads++;

        var received = new List<int>();
        var buffer = new byte[65536];
        for (var result = socket.Receive(buffer, TimeSpan.Zero); result.IsReceived; result = socket.Receive(buffer, TimeSpan.Zero))
        {
            var seq = BitConverter.ToInt32(buffer);
            Assert.Equal(seq % 5 == 0 ? Fragmented : 64, result.Length);
            received.Add(seq);
        }
        Assert.Equal(Enumerable.Range(0, Count).Where(s => s % 10 != 9), received);
        var stats = replay.Capture.Statistics;
        // Unfragmented datagrams to 6000 never pass the filter; fragments always do (the port is in the first one
        // only) and are dropped after reassembly for want of a receiver.
        var toOther = Enumerable.Range(0, Count).Where(s => s % 10 == 9).ToList();
        Assert.Equal(toOther.Count(s => s % 5 != 0), stats[DropReason.Filtered]);
        Assert.Equal(toOther.Count(s => s % 5 == 0), stats[DropReason.NoReceiver]);
        Assert.Null(stats.Capture); // a file has no kernel counters
        // A file's read buffer holds thousands of these packets: a read per packet would make thousands of reads.
        var packets = Flood(Count).Count();
        Assert.InRange(reads, 1, packets / 100);
        output.WriteLine($"{packets} packets in {reads} batch reads");
    }

    [Fact]
    public void Replay_ReceivePath_AllocatesNothingPerPacket()
    {
        const int Count = 20_000;
        // The same flood twice in one file: the first pass warms up (JIT, the pools the reader and reassembly rent
        // from, the batch and the filter's verdicts sized to the largest batch), the second is measured on this
        // thread: read, filter, decode, reassemble, queue, receive.
        var pass = Flood(Count).ToList();
        var frames = pass.Concat(pass.Select(f => (f.Frame, f.Timestamp + 10_000_000_000L))).ToList();
        using var replay = new Replay(LinkType.EN10MB, frames);
        replay.Capture.ManualPump = true;
        using var socket = replay.Capture.CreateSocket();
        socket.ReceiveBufferSize = 8 << 20;
        socket.Bind(IPAddress.Any, 5000);
        var buffer = new byte[65536];
        var received = 0;
        while (replay.Capture.Statistics.Packets < pass.Count && replay.Capture.PumpOne())
        {
            while (socket.Receive(buffer, TimeSpan.Zero).IsReceived)
                received++;
        }
        var warmPackets = replay.Capture.Statistics.Packets;
        var reads = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (replay.Capture.PumpOne())
        {
            reads++;
            while (socket.Receive(buffer, TimeSpan.Zero).IsReceived)
                received++;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2 * Delivered(Count), received);
        var packets = frames.Count - warmPackets;
        output.WriteLine($"measured {packets} packets in {reads} batch reads: {allocated} bytes allocated, " +
            $"{(double)allocated / packets:F3} per packet, {(double)allocated / Math.Max(reads, 1):F0} per read");
        // A read may allocate a little (the file reader starts a read-ahead task per 512 KiB); a packet nothing. A batch
        // holds about a thousand packets here, so one allocation per packet (24 bytes at least) would break this bound.
        Assert.InRange(reads, 2, packets / 100);
        Assert.True(allocated <= 1024L * reads, $"{allocated} bytes allocated in {reads} reads of {packets} packets");
    }
}
