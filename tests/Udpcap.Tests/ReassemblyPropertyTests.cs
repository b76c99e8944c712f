using Bpf.Vm;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>Random datagrams, fragmented at random sizes, shuffled, with duplicates and equal-byte overlaps, reassemble exactly.</summary>
public class ReassemblyPropertyTests
{
    private sealed class ListSink : IDatagramSink
    {
        public List<byte[]> Payloads { get; } = [];

        public void Deliver(in UdpDatagram datagram) => Payloads.Add(datagram.Payload.ToArray());
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ShuffledFragments_ReassembleExactly(int seed)
    {
        var random = new Random(seed);
        var sink = new ListSink();
        var counters = new DropCounters();
        var decoder = new DatagramDecoder(UdpcapOptions.Default, sink, counters);
        var src = Ip("10.1.0.1");
        var dst = Ip("10.1.0.2");
        var expected = new List<byte[]>();
        var packets = new List<byte[]>();
        for (var d = 0; d < 5; d++)
        {
            // Up to the largest UDP payload over IPv4: 65535 - 20 - 8.
            var size = random.Next(4) == 0 ? 65507 - random.Next(64) : random.Next(1, 65508);
            var payload = new byte[size];
            random.NextBytes(payload);
            expected.Add(payload);
            var udp = Udp(src, 1000, dst, 2000, payload);
            var id = (ushort)(seed * 16 + d);
            // At least two fragments, so that every piece is a real fragment.
            var fragment = 8 * random.Next(1, Math.Max(2, Math.Min(1200, (udp.Length - 1) / 8 + 1)));
            var pieces = Fragments(src, dst, udp, fragment, id);
            // Overlaps with equal bytes: a range straddling piece boundaries, and an exact duplicate.
            var start = 8 * random.Next(0, udp.Length / 8);
            var length = Math.Min(udp.Length - start, 8 * random.Next(1, 400));
            if (start + length < udp.Length)
                length -= length % 8;
            if (length > 0 && length < udp.Length)
                pieces.Add(Fragment(src, dst, udp, start, length, id));
            pieces.Add(pieces[random.Next(pieces.Count)]);
            packets.AddRange(pieces);
        }
        foreach (var packet in packets.OrderBy(_ => random.Next()))
            decoder.Process(packet, (uint)packet.Length, 0, LinkType.IPV4);

        // A duplicate arriving after its datagram completed starts a new one (as in Linux), which may
        // even complete again from late copies; never a wrong payload, and every datagram at least once.
        foreach (var payload in expected)
            Assert.Contains(sink.Payloads, p => p.AsSpan().SequenceEqual(payload));
        Assert.All(sink.Payloads, p => Assert.Contains(expected, e => e.AsSpan().SequenceEqual(p)));
        Assert.Equal(0, counters[DropReason.FragmentConflict]);
        // Leftovers age out on capture time and give back every pooled byte.
        decoder.Reassembler.Expire(6_000_000_000);
        Assert.Equal(0, decoder.Reassembler.InFlight);
        Assert.Equal(0, decoder.Reassembler.Bytes);
    }
}
