using System.Diagnostics;
using Bpf.Compiler;
using Bpf.Jit;
using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>
/// <c>Bpf.Benchmarks many [SECONDS] [EXPRESSION...]</c> (default: the 8 filters offline.sh gives
/// <c>stats</c>): ns per packet of all the filters over the corpus's Ethernet packets (in memory), run
/// as <c>stats</c> runs them (<see cref="BpfJit.CompileMany"/>: one pass, the shared test made once)
/// and as one batch pass per filter (<see cref="BpfJit.CompileBatch"/>), interleaved for 7 rounds;
/// prints min and median of each, after checking both give the same verdicts.
/// </summary>
internal static class ManyFilters
{
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 && double.TryParse(args[0], out var s) ? s : 1;
        var expressions = args.Length > 0 && double.TryParse(args[0], out _) ? args[1..] : args;
        if (expressions.Length == 0)
            expressions = ["tcp port 80", "udp", "arp", "ip6", "icmp", "vlan", "port 53", "tcp[tcpflags] & tcp-syn != 0"];
        var (_, packets, wire) = NativeLibpcap.ReadFile(Corpus.EthernetPath);
        var slices = packets.Select((p, i) => new PacketSlice(p, wire[i])).ToArray();
        var programs = expressions.Select(e => FilterCompiler.Compile(e, LinkType.EN10MB)).ToArray();
        var many = BpfJit.CompileMany(programs);
        var alone = programs.Select(BpfJit.CompileBatch).ToArray();
        var together = new uint[slices.Length * programs.Length];
        var each = new uint[slices.Length];
        many(slices, together);
        for (var f = 0; f < alone.Length; f++)
        {
            alone[f](slices, each);
            for (var i = 0; i < slices.Length; i++)
                if (each[i] != together[i * programs.Length + f])
                    throw new InvalidOperationException($"'{expressions[f]}' packet {i}: alone {each[i]}, together {together[i * programs.Length + f]}");
        }
        var times = new Dictionary<string, List<double>> { ["many"] = [], ["alone"] = [] };
        for (var round = 0; round < 7; round++)
        {
            times["many"].Add(Time(slices.Length, () => many(slices, together), seconds));
            times["alone"].Add(Time(slices.Length, () =>
            {
                var accepted = 0;
                foreach (var filter in alone)
                    accepted += filter(slices, each);
                return accepted;
            }, seconds));
        }
        Console.WriteLine($"{programs.Length} filters, {slices.Length} packets; ns/packet (all filters) min/median");
        foreach (var (name, list) in times)
        {
            list.Sort();
            Console.WriteLine($"{name,-6} {list[0]:F2} {list[list.Count / 2]:F2}");
        }
        return 0;
    }

    private static double Time(int packetsPerPass, Func<int> pass, double seconds)
    {
        for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < Math.Min(0.2, seconds / 10);)
            pass();
        long passes = 0;
        var timer = Stopwatch.StartNew();
        do
        {
            pass();
            passes++;
        }
        while (timer.Elapsed.TotalSeconds < seconds);
        return timer.Elapsed.TotalNanoseconds / (passes * packetsPerPass);
    }
}
