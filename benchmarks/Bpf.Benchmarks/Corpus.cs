using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>The real Ethernet packets the benchmarks filter (tests/data/corpus/EN10MB.pcap).</summary>
internal static class Corpus
{
    /// <summary>Packets per benchmark invocation: the file's packets, repeated or cut to this count.</summary>
    public const int PacketsPerInvoke = 10_000;

    /// <summary>Set by <see cref="Program"/> so benchmark child processes, built elsewhere, find the file.</summary>
    public const string PathVariable = "BPF_BENCH_EN10MB";

    public static string EthernetPath => RepositoryData.Find(PathVariable, folder: false, "tests", "data", "corpus", "EN10MB.pcap");

    /// <summary>Exactly <see cref="PacketsPerInvoke"/> packets and wire lengths, cycling through the file.</summary>
    public static (byte[][] Packets, uint[] WireLengths) Ethernet()
    {
        var (_, packets, wire) = NativeLibpcap.ReadFile(EthernetPath);
        var outPackets = new byte[PacketsPerInvoke][];
        var outWire = new uint[PacketsPerInvoke];
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            outPackets[i] = packets[i % packets.Length];
            outWire[i] = wire[i % packets.Length];
        }
        return (outPackets, outWire);
    }
}
