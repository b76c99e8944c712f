using System.Diagnostics;
using System.Globalization;
using Bpf.Cli.Cluster;
using Capture.Pcapfile;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf filter</c>: runs a filter expression (compiled for each file's link type and snaplen, as
/// libpcap's filtertest does) or a ready program over capture files.
/// </summary>
internal sealed class FilterCommand : ICommand
{
    public string Name => "filter";

    public string Usage =>
        "filter -r FILE|- [-r FILE...] [-w OUT|-] [--format pcap|pcapng] [--count] [--results] [--engine interp|jit] [--threads N] [-O0] [--cluster redis://HOST:PORT [--timeout DURATION]] (EXPRESSION | --program PROG)";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = Read(args);
        var inputs = InputFiles.Expand(reader.Values("-r"));
        if (inputs.Count == 0)
            throw new UsageException("expected at least one -r FILE");
        var job = FilterJob.Parse(reader, context);
        var results = reader.Has("--results");
        if (ClusterOptions.From(reader) is { } cluster)
            return ClusterRun.Filter(cluster, inputs, job, reader.Value("-w"), reader.Has("--count"), results, args, context);

        var totals = new FilterTotals();
        var stopwatch = Stopwatch.StartNew();
        using var output = reader.Value("-w") is { } outPath ? new FilterOutput(outPath, job.Format, context) : null;
        if (output is { IsStandardOutput: true } && results)
            throw new UsageException("--results and -w - both write to standard output");
        // With the capture on standard output, the summary goes to standard error.
        var report = output is { IsStandardOutput: true } ? context.Error : context.Out;
        var failure = Run(inputs, job.Filters, output, totals, results, job.Threads, context);
        output?.Dispose();
        stopwatch.Stop();

        if (reader.Has("--count"))
            report.WriteLine(totals.Accepted.ToString(CultureInfo.InvariantCulture));
        else if (!results)
            report.WriteLine(totals.Summary(stopwatch.Elapsed));
        if (failure is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf filter: {failure}");
        return Program.ExitInput;
    }

    /// <summary>Reads the verb's arguments (the silos read the job's the same way).</summary>
    /// <exception cref="UsageException">An unknown option, or an option without its value.</exception>
    internal static ArgumentReader Read(IReadOnlyList<string> args) =>
        new(args, ["-r", "-w", "--format", "--program", "--engine", "--threads", .. ClusterOptions.Valued], ["--count", "--results", "-O0"]);

    /// <summary>Filters the files in parallel, handling batches in input order; returns null, or where and why reading stopped early.</summary>
    internal static string? Run(IReadOnlyList<string> inputs, FilterSet filters, FilterOutput? output, FilterTotals totals, bool results, int? threads, CliContext context) =>
        new OfflinePipeline(inputs, context, threads, input => filters.Prepare(input.LinkType, input.Snaplen)).Run(
            item => FilterBatch(item, filters),
            (item, firstOfFile) =>
            {
                // The first file shapes the output.
                if (firstOfFile)
                    output?.Begin(item.Input);
                totals.Add(item.Batch.Count, item.Accepted, item.Bytes, item.AcceptedBytes);
                if (output is not null || results)
                    Deliver(item, output, results, context);
            });

    /// <summary>Runs on a worker: one verdict per packet, and the batch's counts.</summary>
    // Runs for a whole file in a few calls: fully optimized from the start instead of waiting for tiering.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void FilterBatch(PipelineItem item, FilterSet filters)
    {
        var batch = item.Batch;
        if (item.Verdicts.Length < batch.Count)
            item.Verdicts = new uint[Math.Max(batch.Count, 2 * item.Verdicts.Length)];
        var verdicts = item.Verdicts.AsSpan(0, batch.Count);
        var snaplen = item.Input.Snaplen;
        var slices = batch.Slices;
        int accepted = 0;
        // One call per run of one link type (pcapng interfaces may differ): the emitted loop filters it whole.
        for (var start = 0; start < batch.Count;)
        {
            var run = batch.LinkTypeRun(start);
            accepted += filters.BatchFor(batch.LinkTypeAt(start), snaplen)(slices.Slice(start, run), verdicts.Slice(start, run));
            start += run;
        }
        long bytes = 0, acceptedBytes = 0;
        for (var i = 0; i < slices.Length; i++)
        {
            var length = (uint)slices[i].Length;
            bytes += length;
            acceptedBytes += Math.Min(verdicts[i], length);
        }
        item.Accepted = accepted;
        item.Bytes = bytes;
        item.AcceptedBytes = acceptedBytes;
    }

    /// <summary>On the caller's thread, in input order: prints verdicts and writes accepted packets.</summary>
    private static void Deliver(PipelineItem item, FilterOutput? output, bool results, CliContext context)
    {
        var batch = item.Batch;
        var verdicts = item.Verdicts;
        for (var i = 0; i < batch.Count; i++)
        {
            if (results)
                context.Out.WriteLine(verdicts[i].ToString(CultureInfo.InvariantCulture));
            if (verdicts[i] != 0)
                output?.Write(batch[i]);
        }
    }
}

/// <summary>What <c>bpf filter</c> runs on every file: the filter, the output format and the threads.</summary>
internal sealed record FilterJob(FilterSet Filters, CaptureFileFormat? Format, int? Threads)
{
    /// <exception cref="UsageException">Both or neither of an expression and a program, or a bad option value.</exception>
    /// <exception cref="InputException">The program file cannot be read or is not valid.</exception>
    public static FilterJob Parse(ArgumentReader reader, CliContext context)
    {
        var programPath = reader.Value("--program");
        if (programPath is not null && reader.Operands.Count > 0)
            throw new UsageException("give either an expression or --program, not both");
        var engine = reader.Choice("--engine", "jit", "jit", "interp") == "jit" ? FilterEngine.Jit : FilterEngine.Interpreter;
        var filters = programPath is not null
            ? FilterSet.FromProgram(ProgramFiles.Load(programPath, context), engine)
            : FilterSet.FromExpression(string.Join(' ', reader.Operands), engine, optimize: !reader.Has("-O0"));
        var format = reader.Value("--format") is null ? (CaptureFileFormat?)null
            : reader.Choice("--format", "pcap", "pcap", "pcapng") == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap;
        return new FilterJob(filters, format, reader.Threads());
    }
}

/// <summary>Packet and byte counts of one run.</summary>
internal sealed class FilterTotals
{
    public long Read { get; private set; }

    public long Accepted { get; private set; }

    public long Bytes { get; private set; }

    public long AcceptedBytes { get; private set; }

    public void Add(long read, long accepted, long bytes, long acceptedBytes)
    {
        Read += read;
        Accepted += accepted;
        Bytes += bytes;
        AcceptedBytes += acceptedBytes;
    }

    public string Summary(TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return string.Create(CultureInfo.InvariantCulture,
            $"packets {Read} accepted {Accepted} bytes {Bytes} accepted_bytes {AcceptedBytes} elapsed {elapsed.TotalSeconds:0.000}s packets/s {Read / seconds:0}");
    }
}
