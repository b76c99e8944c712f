using System.Net;
using System.Net.Sockets;
using Bpf.Testing;
using Xunit.Abstractions;

namespace Udpcap.Tests;

/// <summary>
/// A moderate flood of UDP datagrams (every fourth one fragmented by the kernel at MTU 1500) through a veth pair
/// between two namespaces of the test's own (<c>bpf18s…</c> sends, <c>bpf18r…</c> receives): udpcap, capturing on
/// the receiving end (one pcap_dispatch per read, decoding in the ring), delivers every datagram once, in order, byte for byte, as the kernel socket bound
/// to the same port does, and reports the capture's counters next to its own. Correctness only: no rate is asserted.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class LiveFloodTests(ITestOutputHelper output)
{
    private const int Datagrams = 4_000;
    private const int Port = 5000;
    private const int ReceiveBuffer = 4 << 20;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [RootFact]
    public void Flood_WithFragments_UdpcapDeliversEveryDatagramOnceInOrderLikeTheKernelSocket()
    {
        using var pair = new VethPair("bpf18");
        pair.AddAddress(endA: true, "10.18.7.1/24");
        pair.AddAddress(endA: false, "10.18.7.2/24");
        using var kernel = pair.InsideB(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        kernel.ReceiveBufferSize = ReceiveBuffer;
        kernel.ReceiveTimeout = 1000;
        kernel.Bind(new IPEndPoint(IPAddress.Any, Port));
        using var capture = pair.InsideB(() => UdpcapCapture.OpenLive(pair.NameB, LiveBackend.Open));
        // This thread pumps (one pcap_dispatch per read, decoding in the ring, queueing) and receives, so the bytes it allocates
        // are the receive path's: measured, and bounded per read below.
        capture.ManualPump = true;
        using var socket = capture.CreateSocket();
        socket.ReceiveBufferSize = ReceiveBuffer;
        socket.Bind(IPAddress.Any, Port);
        using var sender = pair.InsideA(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var target = new IPEndPoint(IPAddress.Parse("10.18.7.2"), Port);
        var payloads = Enumerable.Range(0, Datagrams).Select(Payload).ToArray();
        // Warm-up: the first read sizes the batch; fragmented datagrams to a port nobody binds pass the filter (every
        // fragment does) and warm reassembly's buffer pool before the measured flood.
        for (var i = 0; i < 3; i++)
            sender.SendTo(payloads[0], new IPEndPoint(target.Address, Port + 1));
        var warm = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (capture.Statistics[DropReason.NoReceiver] < 3 && DateTime.UtcNow < warm)
            capture.PumpOne();

        var kernelSeen = new List<int>();
        var kernelReader = new Thread(() => Drain(kernel, kernelSeen)) { IsBackground = true };
        kernelReader.Start();
        // Both receivers read while the flood goes on, as an application would.
        var flood = new Thread(() =>
        {
            for (var seq = 0; seq < Datagrams; seq++)
            {
                sender.SendTo(payloads[seq], target);
                if (seq % 100 == 99)
                    Thread.Sleep(1); // moderate: let the receiving side's softirq and readers keep up
            }
        })
        { IsBackground = true };
        flood.Start();

        var seen = new List<int>(Datagrams);
        var buffer = new byte[65536];
        var deadline = DateTime.UtcNow + Limit;
        var reads = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (seen.Count < Datagrams && DateTime.UtcNow < deadline)
        {
            if (!capture.PumpOne())
                continue;
            reads++;
            for (var result = socket.Receive(buffer, TimeSpan.Zero); result.IsReceived; result = socket.Receive(buffer, TimeSpan.Zero))
            {
                var seq = BitConverter.ToInt32(buffer);
                if ((uint)seq >= Datagrams || !payloads[seq].AsSpan().SequenceEqual(buffer.AsSpan(0, result.Length)))
                    Assert.Fail($"datagram {seq} differs");
                seen.Add(seq);
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        flood.Join(Limit);
        kernelReader.Join(Limit);
        var stats = capture.Statistics;
        output.WriteLine($"udpcap {seen.Count}, kernel socket {kernelSeen.Count} of {Datagrams}; {stats}; " +
            $"receive path: {reads} reads, {allocated} bytes allocated ({(double)allocated / Datagrams:F3} per datagram)");

        Assert.Equal(Enumerable.Range(0, Datagrams), seen);
        Assert.True(seen.Count >= kernelSeen.Count, $"udpcap {seen.Count} < kernel {kernelSeen.Count}");
        Assert.Equal(0, stats[DropReason.ReceiveBufferFull]);
        Assert.Equal(0, stats[DropReason.BadUdpChecksum]);
        var counters = Assert.NotNull(stats.Capture);
        Assert.Equal(0, counters.DroppedByKernel);
        // Every datagram is one frame, or three fragments (1480 + 1480 + the rest) for the fragmented ones.
        Assert.True(counters.Received >= Datagrams + Datagrams / 4 * 2 + 9, $"{counters}");
        Assert.Equal(Datagrams, stats.Datagrams);
        Assert.Equal(3, stats[DropReason.NoReceiver]);
        // Nothing per packet: at most a little per read (none was seen; the bound leaves room for the runtime's own).
        Assert.True(allocated <= 64L * reads, $"{allocated} bytes allocated in {reads} reads");
    }

    /// <summary>Datagram <paramref name="seq"/>: its number first, then a pattern; every fourth is 3,500 bytes (three fragments).</summary>
    private static byte[] Payload(int seq)
    {
        var payload = new byte[seq % 4 == 0 ? 3_500 : 100 + seq % 200];
        for (var i = 4; i < payload.Length; i++)
            payload[i] = (byte)(seq * 7 + i);
        BitConverter.TryWriteBytes(payload, seq);
        return payload;
    }

    private static void Drain(Socket kernel, List<int> seen)
    {
        var buffer = new byte[65536];
        var deadline = DateTime.UtcNow + Limit;
        while (seen.Count < Datagrams && DateTime.UtcNow < deadline)
        {
            try
            {
                var length = kernel.Receive(buffer);
                if (length >= 4)
                    seen.Add(BitConverter.ToInt32(buffer));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }
    }
}
