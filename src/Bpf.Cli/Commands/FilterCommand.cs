using System.Diagnostics;
using System.Globalization;
using Bpf.Capture;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf filter</c>: runs a filter expression (compiled for each file's link type and snaplen, as
/// libpcap's filtertest does) or a ready program over capture files.
/// </summary>
internal sealed class FilterCommand : ICommand
{
    public string Name => "filter";

    public string Usage =>
        "filter -r FILE [-r FILE...] [-w OUT] [--format pcap|pcapng] [--count] [--results] [--engine interp|jit] [-O0] (EXPRESSION | --program PROG)";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-r", "-w", "--format", "--program", "--engine"], ["--count", "--results", "-O0"]);
        var inputs = InputFiles.Expand(reader.Values("-r"));
        if (inputs.Count == 0)
            throw new UsageException("expected at least one -r FILE");
        var programPath = reader.Value("--program");
        if (programPath is not null && reader.Operands.Count > 0)
            throw new UsageException("give either an expression or --program, not both");
        var engine = reader.Choice("--engine", "jit", "jit", "interp") == "jit" ? FilterEngine.Jit : FilterEngine.Interpreter;
        var filters = programPath is not null
            ? FilterSet.FromProgram(ProgramFiles.Load(programPath, context), engine)
            : FilterSet.FromExpression(string.Join(' ', reader.Operands), engine, optimize: !reader.Has("-O0"));
        var format = reader.Value("--format") is null ? (CaptureFileFormat?)null
            : reader.Choice("--format", "pcap", "pcap", "pcapng") == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap;

        var totals = new FilterTotals();
        var stopwatch = Stopwatch.StartNew();
        using var output = reader.Value("-w") is { } outPath ? new FilterOutput(outPath, format) : null;
        string? failure = null;
        foreach (var path in inputs)
        {
            failure = FilterFile(path, filters, output, totals, reader.Has("--results"), context);
            if (failure is not null)
                break;
        }
        output?.Dispose();
        stopwatch.Stop();

        if (reader.Has("--count"))
            context.Out.WriteLine(totals.Accepted.ToString(CultureInfo.InvariantCulture));
        else if (!reader.Has("--results"))
            context.Out.WriteLine(totals.Summary(stopwatch.Elapsed));
        if (failure is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf filter: {failure}");
        return Program.ExitInput;
    }

    /// <summary>Filters one file; returns null, or where and why reading stopped early.</summary>
    // The loop runs once per process: fully optimized from the start instead of waiting for tiering.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static string? FilterFile(string path, FilterSet filters, FilterOutput? output, FilterTotals totals, bool results, CliContext context)
    {
        using var source = CaptureFileReader.Open(path);
        var length = new FileInfo(path).Length;
        using var progress = new ProgressBar(context, length);
        output?.Begin(source);
        try
        {
            while (!context.Cancellation.IsCancellationRequested && source.TryReadPacket(out var packet))
            {
                var verdict = filters.For(packet.LinkType, source.Snaplen).Invoke(packet.Data, packet.WireLength);
                totals.Count(packet, verdict);
                if (results)
                    context.Out.WriteLine(verdict.ToString(CultureInfo.InvariantCulture));
                if (verdict != 0)
                    output?.Write(packet);
                progress.Report(source.Position, totals.Read);
            }
            return null;
        }
        catch (InvalidDataException e)
        {
            // Keep what was read and written so far; report where the file stopped being readable.
            return $"{path}: {e.Message}; processed {totals.Read} packets before it";
        }
    }
}

/// <summary>Packet and byte counts of one run.</summary>
internal sealed class FilterTotals
{
    public long Read { get; private set; }

    public long Accepted { get; private set; }

    public long Bytes { get; private set; }

    public long AcceptedBytes { get; private set; }

    public void Count(in CapturedPacket packet, uint verdict)
    {
        Read++;
        Bytes += packet.Data.Length;
        if (verdict != 0)
        {
            Accepted++;
            AcceptedBytes += Math.Min(verdict, (uint)packet.Data.Length);
        }
    }

    public string Summary(TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return string.Create(CultureInfo.InvariantCulture,
            $"packets {Read} accepted {Accepted} bytes {Bytes} accepted_bytes {AcceptedBytes} elapsed {elapsed.TotalSeconds:0.000}s packets/s {Read / seconds:0}");
    }
}
