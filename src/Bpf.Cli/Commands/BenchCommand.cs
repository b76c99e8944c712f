using Bpf.Compiler;
using Bpf.Jit.Bench;
using Capture.Npcap;
using Capture.Pcapfile;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf bench</c>: loads every packet of a file into memory, then runs the filter over them for a
/// while per engine and prints one line per engine:
/// <c>engine jit ns_per_packet 2.10 packets 123456789 accepted 4567</c>. The <c>libpcap</c> engine runs
/// the same program with the system libpcap's C <c>bpf_filter</c>, for a ratio measured in one run.
/// </summary>
internal sealed class BenchCommand : ICommand
{
    public string Name => "bench";

    public string Usage => "bench -r FILE [--engine interp|jit|libpcap|all] [--seconds S] [-O0] (EXPRESSION | --program PROG)";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-r", "--engine", "--seconds", "--program"], ["-O0"]);
        var path = reader.Value("-r") ?? throw new UsageException("expected -r FILE");
        var engines = reader.Choice("--engine", "all", "interp", "jit", "libpcap", "all") switch
        {
            "all" => NativeBpfFilter.IsAvailable ? ["interp", "jit", "libpcap"] : new[] { "interp", "jit" },
            var one => [one],
        };
        var duration = reader.Duration("--seconds") ?? TimeSpan.FromSeconds(2);
        var programPath = reader.Value("--program");
        if ((programPath is null) == (reader.Operands.Count == 0))
            throw new UsageException("give either an expression or --program");

        var (packets, wireLengths, linkType, snaplen) = Load(path);
        if (packets.Count == 0)
            throw new InputException($"{path}: no packets to run the filter on");
        var program = programPath is not null
            ? ProgramFiles.Load(programPath, context)
            : FilterCompiler.Compile(string.Join(' ', reader.Operands), linkType, snaplen, new CompilerOptions { Optimize = !reader.Has("-O0") });
        foreach (var engine in engines)
        {
            // Our engines run as the offline commands run them, a batch per call; libpcap's C
            // bpf_filter has no batch entry and is called per packet.
            var result = engine switch
            {
                "interp" => FilterBench.Run(packets, wireLengths, FilterSet.CreateBatchEngine(program, FilterEngine.Interpreter), duration),
                "jit" => FilterBench.Run(packets, wireLengths, FilterSet.CreateBatchEngine(program, FilterEngine.Jit), duration),
                _ => FilterBench.Run(packets, wireLengths, NativeBpfFilter.Create(program), duration),
            };
            context.Out.WriteLine(result.ToLine(engine));
            context.Out.Flush();
        }
        return Program.ExitOk;
    }

    private static (List<byte[]> Packets, List<uint> WireLengths, LinkType LinkType, int Snaplen) Load(string path)
    {
        using var source = CaptureFileReader.Open(path);
        var packets = new List<byte[]>();
        var wireLengths = new List<uint>();
        while (source.TryReadPacket(out var packet))
        {
            packets.Add(packet.Data.ToArray());
            wireLengths.Add(packet.WireLength);
        }
        return (packets, wireLengths, source.LinkType, source.Snaplen);
    }
}
