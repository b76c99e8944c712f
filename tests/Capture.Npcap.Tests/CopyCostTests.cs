using System.Diagnostics;
using Bpf.Testing;
using Bpf.Vm.Capture;
using Xunit.Abstractions;

namespace Capture.Npcap.Tests;

/// <summary>
/// What the one copy per packet costs that <see cref="LiveDevice.ReadBatch"/> makes out of libpcap's ring (its
/// batches are managed arrays, and libpcap hands each TPACKET_V3 block back to the kernel inside the same
/// <c>pcap_dispatch</c> once its last packet's callback returns, so a batch cannot keep pointers into the ring).
/// The ring is filled first (a flood through a veth pair of our own, nobody reading), then drained once with the
/// copy and once, refilled, by a callback that copies nothing. Reports figures; asserts only that every packet came.
/// </summary>
public sealed class CopyCostTests(ITestOutputHelper output)
{
    [RootTheory]
    [InlineData(100, 20_000)]
    [InlineData(1400, 4_000)]
    public void ReadBatch_CopyCost_Reported(int frameLength, int count)
    {
        using var pair = new VethPair("bpf18");
        // 8 MiB of ring, about 70% filled per round: after the warm-up rounds every page of it was touched, so the
        // figures are not first-touch page faults.
        using var device = pair.InsideB(() => LiveDevice.Open(pair.NameB, new LiveCaptureOptions { BufferSize = 8 << 20, ReadTimeout = TimeSpan.FromMilliseconds(50) }));
        using var sender = pair.InsideA(() => LiveDevice.Open(pair.NameA, new LiveCaptureOptions { Snaplen = 128 }));
        var frame = new byte[frameLength];
        frame[0] = 0x02; frame[5] = 0x02; frame[6] = 0x02; frame[11] = 0x01;
        frame[12] = 0x88; frame[13] = 0xB5; // local experimental EtherType: nobody's protocol
        var batch = new LivePacketBatch();

        var scratch = new byte[65536];
        var copy = new List<double>();
        var headers = new List<double>();
        var inPlace = new List<double>();
        for (var round = 0; round < 6; round++)
        {
            Fill(sender, frame, count);
            var withCopy = Drain(count, () => device.ReadBatch(batch) == PacketReadStatus.Packet ? batch.Count : 0);
            Fill(sender, frame, count);
            var headersOnly = Drain(count, () => device.DispatchWithoutBatch(null));
            Fill(sender, frame, count);
            var copiedInPlace = Drain(count, () => device.DispatchWithoutBatch(scratch));
            if (round >= 2)
            {
                copy.Add(withCopy);
                headers.Add(headersOnly);
                inPlace.Add(copiedInPlace);
            }
        }

        var dropped = device.Statistics.Dropped;
        static string Figures(List<double> l) => $"{l.Min():F0} ns/packet [{string.Join(", ", l.Select(v => v.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}]";
        output.WriteLine($"{frameLength}-byte packets, {count} per round, best of {copy.Count} rounds (kernel dropped {dropped}): " +
            $"ReadBatch (copy into the batch) {Figures(copy)}; in the callback, headers only {Figures(headers)}; " +
            $"in the callback, copied to one 64 KiB scratch buffer (a writer's copy) {Figures(inPlace)}; " +
            $"load {File.ReadAllText("/proc/loadavg").Trim()}");
        Assert.Equal(0u, dropped);
    }

    /// <summary>Reads <paramref name="count"/> packets with <paramref name="read"/>; returns nanoseconds per packet (every packet must come).</summary>
    private static double Drain(int count, Func<int> read)
    {
        var seen = 0;
        var clock = Stopwatch.StartNew();
        while (seen < count && clock.Elapsed < TimeSpan.FromSeconds(30))
            seen += read();
        var elapsed = clock.Elapsed;
        Assert.Equal(count, seen);
        return elapsed.TotalNanoseconds / count;
    }

    /// <summary>Sends <paramref name="count"/> frames into the receiver's ring, then waits for the kernel to have queued them and retired the last block.</summary>
    private static void Fill(LiveDevice sender, byte[] frame, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sender.Send(frame);
            if (i % 500 == 499)
                Thread.Sleep(1);
        }
        Thread.Sleep(300);
    }
}
