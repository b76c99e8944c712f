using System.CommandLine;
using Bpf.Cli.Bench;
using Bpf.Compiler;
using Bpf.Filtering;
using Bpf.Vm;
using Capture.Npcap;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf bench</c>: loads every packet of a file into memory, then runs the filter over them for a
/// while per engine and prints one line per engine:
/// <c>engine jit ns_per_packet 2.10 packets 123456789 accepted 4567</c>. The <c>libpcap</c> engine runs
/// the same program with the system libpcap's C <c>bpf_filter</c>, for a ratio measured in one run.
/// </summary>
internal sealed class BenchCommand : IVerb
{
    private readonly Option<string?> _input = CliOptions.Text("-r", "FILE", "The capture file whose packets the filter runs over (loaded into memory first).");

    private readonly Option<string?> _engine = CliOptions.Choice("--engine",
        "Which engine to time; libpcap is the system libpcap's C bpf_filter on the same program.", "all", "interp", "jit", "libpcap", "all");

    private readonly Option<TimeSpan?> _seconds = CliOptions.Duration("--seconds", "How long to run each engine (default 2).");

    private readonly Option<bool> _noOptimize = CliOptions.NoOptimize();

    private readonly Option<string?> _libpcap = CliOptions.Libpcap();

    private readonly Option<string?> _program = CliOptions.Text("--program", "PROG", "Run a ready program (tcpdump -d, -dd or -ddd form) instead of compiling an expression.");

    private readonly Argument<string[]> _expression = CliOptions.Expression();

    public BenchCommand() =>
        Definition = new Command("bench", "Times the filter per engine over a file's packets held in memory: one line per engine with ns per packet.")
        {
            _input, _engine, _seconds, _noOptimize, _libpcap, _program, _expression,
        };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var path = InputFiles.CheckFile(parse.GetValue(_input) ?? throw new UsageException("expected -r FILE"), "-r");
        var engines = parse.GetValue(_engine) switch
        {
            "all" => NativeBpfFilter.IsAvailable ? ["interp", "jit", "libpcap"] : new[] { "interp", "jit" },
            var one => [one!],
        };
        var duration = parse.GetValue(_seconds) ?? TimeSpan.FromSeconds(2);
        var programPath = parse.GetValue(_program);
        var words = parse.GetValue(_expression) ?? [];
        if ((programPath is null) == (words.Length == 0))
            throw new UsageException("give either an expression or --program");

        var (packets, wireLengths, linkType, snaplen, swapped) = Load(path);
        if (packets.Count == 0)
            throw new InputException($"{path}: no packets to run the filter on");
        // Validated once, before any engine (libpcap's C bpf_filter included) sees it.
        var program = programPath is not null
            ? ProgramFiles.LoadRunnable(programPath, context)
            : RunnableProgram.Validate(FilterCompiler.Compile(string.Join(' ', words), linkType, snaplen,
                LibpcapChoice.ForFiles(parse.GetValue(_libpcap), !parse.GetValue(_noOptimize)) with { SavefileSwapped = swapped }));
        foreach (var engine in engines)
        {
            // Our engines run as the offline commands run them, a batch per call; libpcap's C
            // bpf_filter has no batch entry and is called per packet.
            var result = engine switch
            {
                "interp" => FilterBench.Run(packets, wireLengths, PacketFilter.Create(program, FilterEngine.Interpreter).AsBatchDelegate(), duration),
                "jit" => FilterBench.Run(packets, wireLengths, PacketFilter.Create(program, FilterEngine.Jit).AsBatchDelegate(), duration),
                _ => FilterBench.Run(packets, wireLengths, NativeBpfFilter.Create(program), duration),
            };
            context.Out.WriteLine(result.ToLine(engine));
            context.Out.Flush();
        }
        return Program.ExitOk;
    }

    /// <exception cref="InputException">The file is not a capture or is damaged (the message names it and the offset).</exception>
    private static (List<byte[]> Packets, List<uint> WireLengths, LinkType LinkType, int Snaplen, bool Swapped) Load(string path)
    {
        try
        {
            using var source = CaptureFileReader.Open(path);
            var packets = new List<byte[]>();
            var wireLengths = new List<uint>();
            while (source.TryReadPacket(out var packet))
            {
                packets.Add(packet.Data.ToArray());
                wireLengths.Add(packet.WireLength);
            }
            return (packets, wireLengths, source.LinkType, source.Snaplen, source.BigEndian == BitConverter.IsLittleEndian);
        }
        catch (InvalidDataException e)
        {
            throw new InputException($"{path}: {e.Message}", e);
        }
    }
}
