using System.Collections.Concurrent;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>A packet as bpf_filter sees it: captured bytes and the wire length.</summary>
internal readonly record struct TestPacket(byte[] Data, uint WireLength);

/// <summary>
/// Packets to run programs over: the real capture of the link type (sampled to a bounded count so
/// the suite stays fast), the hand-made captures of tests/data/generated, and seeded synthetic
/// packets; plus mutations derived from the programs under test.
/// </summary>
internal static class PacketSets
{
    private const int MaxCorpusPackets = 400;
    private static readonly ConcurrentDictionary<LinkType, TestPacket[]> s_base = new();

    /// <summary>The base packets of a link type (deterministic).</summary>
    public static TestPacket[] Base(LinkType linkType) => s_base.GetOrAdd(linkType, Load);

    private static TestPacket[] Load(LinkType linkType)
    {
        var name = LinkTypes.Name(linkType);
        var path = TestData.Corpus(name);
        var result = new List<TestPacket>();
        if (File.Exists(path))
        {
            var (_, _, packets) = Libpcap.ReadFile(path);
            var step = Math.Max(1, packets.Count / MaxCorpusPackets);
            for (var i = 0; i < packets.Count; i += step)
                result.Add(new TestPacket(packets[i].Data, packets[i].WireLength));
        }
        // Hand-made captures of encapsulations the real corpus lacks (VXLAN, Geneve...), every packet.
        foreach (var generated in TestData.Generated(name))
        {
            var (_, _, packets) = Libpcap.ReadFile(generated);
            result.AddRange(packets.Select(p => new TestPacket(p.Data, p.WireLength)));
        }
        // Synthetic packets for every link type: zeros, ones, and seeded random bytes of several sizes.
        var random = new Random(0x5eed + (int)linkType);
        foreach (var size in new[] { 0, 1, 14, 34, 64, 128, 256 })
        {
            result.Add(new TestPacket(new byte[size], (uint)size));
            result.Add(new TestPacket(Enumerable.Repeat((byte)0xff, size).ToArray(), (uint)size));
            var bytes = new byte[size];
            random.NextBytes(bytes);
            result.Add(new TestPacket(bytes, (uint)size + 4));
        }
        return result.ToArray();
    }
}
