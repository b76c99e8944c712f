using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Bpf.Cli.Cluster;
using Bpf.Compiler;
using Bpf.Filtering;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf filter</c>: runs a filter expression (compiled for each file's link type, snaplen and byte order,
/// as <c>tcpdump -r</c> compiles it) or a ready program over capture files.
/// </summary>
internal sealed class FilterCommand : IVerb
{
    private readonly Option<string[]> _inputs = CliOptions.Inputs();

    private readonly Option<string?> _output = CliOptions.Text("-w", "FILE", "Write the accepted packets to a capture file (- : standard output, as tcpdump -w -).");

    private readonly Option<string?> _format = CliOptions.Choice("--format", "The file format for -w (default: the first input's).", null, "pcap", "pcapng");

    private readonly Option<bool> _count = CliOptions.Flag("--count", "Print only the number of accepted packets.");

    private readonly Option<bool> _results = CliOptions.Flag("--results", "Print the filter's return value for every packet, one a line.");

    private readonly Option<string?> _engine = CliOptions.Engine();

    private readonly Option<int?> _threads = CliOptions.Threads();

    private readonly Option<bool> _noOptimize = CliOptions.NoOptimize();

    private readonly Option<string?> _libpcap = CliOptions.Libpcap();

    private readonly Option<string?> _program = CliOptions.Text("--program", "PROG", "Run a ready program (tcpdump -d, -dd or -ddd form; - reads standard input) instead of compiling an expression.");

    private readonly Option<string?> _expressionFile = CliOptions.Text("-F", "FILE", "Read the expression from FILE (# starts a comment to the end of a line), as tcpdump -F.");

    private readonly Option<long?> _limit = CliOptions.Limit("-c", "N", "Stop after N matching packets, as tcpdump -c.", 1);

    private readonly PrintFlags _print = new();

    private readonly ClusterOptions _cluster = new(outputs: true);

    private readonly Argument<string[]> _expression = CliOptions.Expression();

    public FilterCommand()
    {
        Definition = new Command("filter", "Runs a filter over capture files: compiled as tcpdump -r compiles it for each file (link type, snaplen, byte order, netmask 0), or a ready program.")
        {
            _inputs, _output, _format, _count, _results, _engine, _threads, _noOptimize, _libpcap, _program, _expressionFile, _limit, _cluster.Address, _cluster.Timeout, _cluster.Slots, _expression,
        };
        _print.AddTo(Definition);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var inputs = InputFiles.Expand(parse.GetValue(_inputs) ?? []);
        if (inputs.Count == 0)
            throw new UsageException("expected at least one -r FILE");
        var job = Job(parse, context);
        var (filters, format) = (job.Filters, job.Format);
        if (_cluster.From(parse) is { } cluster)
        {
            // Packets printed one a line and -c's "first N" are one stream in input order: one machine's job.
            if (parse.GetValue(_limit) is not null || _print.Printer(parse) is not null)
                throw new UsageException("-c and printing packets run on one machine: use --count or -w DIR with --cluster");
            return ClusterRun.Filter(cluster, inputs, job, parse.GetValue(_output), parse.GetValue(_count), parse.GetValue(_results),
                ClusterArguments.ForSilos(parse), context);
        }

        var totals = new FilterTotals();
        var results = parse.GetValue(_results);
        var stopwatch = Stopwatch.StartNew();
        using var output = parse.GetValue(_output) is { } outPath
            ? new FilterOutput(InputFiles.CheckOutput(outPath, "-w", inputs), format, context)
            : null;
        if (output is { IsStandardOutput: true } && results)
            throw new UsageException("--results and -w - both write to standard output");
        var printer = _print.Printer(parse);
        if (printer is not null && (results || output is { IsStandardOutput: true }))
            throw new UsageException("printing packets and --results or -w - would share standard output");
        // With the capture or the packets on standard output, the summary goes to standard error.
        var report = output is { IsStandardOutput: true } || printer is not null ? context.Error : context.Out;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        var delivery = new Delivery(output, results, printer, _print.LineBuffered(parse), parse.GetValue(_limit) ?? long.MaxValue, stop, totals, context);
        var failure = Run(inputs, filters, output, delivery, job.Threads, context with { Cancellation = stop.Token });
        output?.Dispose();
        stopwatch.Stop();

        if (parse.GetValue(_count))
            report.WriteLine(totals.Accepted.ToString(CultureInfo.InvariantCulture));
        else if (!results)
            report.WriteLine(totals.Summary(stopwatch.Elapsed));
        if (failure is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf filter: {failure}");
        return Program.ExitInput;
    }

    /// <summary>What to run on every file, from the verb's options (a silo reads a cluster job's arguments with this too).</summary>
    /// <exception cref="UsageException">Both an expression and a program.</exception>
    /// <exception cref="InputException">The program file cannot be read or run.</exception>
    internal FilterJob Job(ParseResult parse, CliContext context)
    {
        var programPath = parse.GetValue(_program);
        var expression = ExpressionFiles.Read(parse.GetValue(_expressionFile), parse.GetValue(_expression) ?? []);
        if (programPath is not null && expression.Length > 0)
            throw new UsageException("give either an expression or --program, not both");
        var engine = CliOptions.EngineOf(parse.GetValue(_engine));
        var filters = programPath is not null
            ? ProgramFiles.LoadFilter(programPath, engine, context)
            : new PacketFilterCache(expression, LibpcapChoice.ForFiles(parse.GetValue(_libpcap), !parse.GetValue(_noOptimize)), engine);
        var format = parse.GetValue(_format) switch
        {
            null => (CaptureFileFormat?)null,
            "pcapng" => CaptureFileFormat.PcapNg,
            _ => CaptureFileFormat.Pcap,
        };
        return new FilterJob(filters, format, parse.GetValue(_threads));
    }

    /// <summary>A silo's run over one cluster item: counts and writes, no printing, no -c limit.</summary>
    internal static string? Run(IReadOnlyList<string> inputs, PacketFilterCache filters, FilterOutput? output, FilterTotals totals, bool results, int? threads, CliContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        var delivery = new Delivery(output, results, printer: null, lineBuffered: false, long.MaxValue, stop, totals, context);
        return Run(inputs, filters, output, delivery, threads, context with { Cancellation = stop.Token });
    }

    /// <summary>Filters the files in parallel, handling batches in input order; returns null, or where and why reading stopped early.</summary>
    private static string? Run(IReadOnlyList<string> inputs, PacketFilterCache filters, FilterOutput? output, Delivery delivery, int? threads, CliContext context)
    {
        InputShape? first = null;
        var failure = new OfflinePipeline<BatchVerdicts>(inputs, () => new BatchVerdicts(), context, threads, input =>
        {
            first ??= input;
            filters.Prepare(input.LinkType, input.Snaplen, input.Swapped);
        }).Run(
            item => FilterBatch(item, filters),
            delivery.Deliver);
        // No packet at all (files with only a header): the output is still a capture, as tcpdump
        // writes one, shaped by the first file that opened.
        if (first is { } shape)
            output?.Begin(shape);
        return failure;
    }

    /// <summary>Runs on a worker: one verdict per packet, and the batch's counts.</summary>
    private static void FilterBatch(PipelineItem<BatchVerdicts> item, PacketFilterCache filters)
    {
        var batch = item.Batch;
        var state = item.State;
        if (state.Verdicts.Length < batch.Count)
            state.Verdicts = new uint[Math.Max(batch.Count, 2 * state.Verdicts.Length)];
        var verdicts = state.Verdicts.AsSpan(0, batch.Count);
        var snaplen = item.Input.Snaplen;
        var slices = batch.Slices;
        int accepted = 0;
        // One call per run of one link type (pcapng interfaces may differ): the emitted loop filters it whole.
        for (var start = 0; start < batch.Count;)
        {
            var run = batch.LinkTypeRun(start);
            accepted += InputErrors.FilterFor(filters, batch.LinkTypeAt(start), snaplen, item.Input.Swapped, item.Path).RunBatch(slices.Slice(start, run), verdicts.Slice(start, run));
            start += run;
        }
        long bytes = 0, acceptedBytes = 0;
        for (var i = 0; i < slices.Length; i++)
        {
            var length = (uint)slices[i].Length;
            bytes += length;
            acceptedBytes += Math.Min(verdicts[i], length);
        }
        state.Accepted = accepted;
        state.Bytes = bytes;
        state.AcceptedBytes = acceptedBytes;
    }

    /// <summary>On the caller's thread, in input order: counts, prints verdicts or packets, writes accepted packets, stops after -c matches.</summary>
    private sealed class Delivery(FilterOutput? output, bool results, PacketPrinter? printer, bool lineBuffered, long limit, CancellationTokenSource stop, FilterTotals totals, CliContext context)
    {
        private long _matched;

        public void Deliver(PipelineItem<BatchVerdicts> item, bool firstOfFile)
        {
            // The first file shapes the output.
            if (firstOfFile)
                output?.Begin(item.Input);
            var batch = item.Batch;
            var state = item.State;
            if (limit == long.MaxValue && printer is null)
            {
                totals.Add(batch.Count, state.Accepted, state.Bytes, state.AcceptedBytes);
                if (output is not null || results)
                    WriteAll(item);
                return;
            }
            int read = 0, accepted = 0;
            long bytes = 0, acceptedBytes = 0;
            var verdicts = state.Verdicts;
            for (var i = 0; i < batch.Count && _matched < limit; i++)
            {
                var packet = batch[i];
                read++;
                bytes += packet.Data.Length;
                if (results)
                    context.Out.WriteLine(verdicts[i].ToString(CultureInfo.InvariantCulture));
                if (verdicts[i] == 0)
                    continue;
                _matched++;
                accepted++;
                acceptedBytes += Math.Min(verdicts[i], (uint)packet.Data.Length);
                output?.Write(packet, item.Path);
                if (printer is not null)
                {
                    context.Out.WriteLine(printer.Format(packet));
                    if (lineBuffered)
                        context.Out.Flush();
                }
            }
            totals.Add(read, accepted, bytes, acceptedBytes);
            if (_matched >= limit)
                stop.Cancel();
        }

        private void WriteAll(PipelineItem<BatchVerdicts> item)
        {
            var batch = item.Batch;
            var verdicts = item.State.Verdicts;
            for (var i = 0; i < batch.Count; i++)
            {
                if (results)
                    context.Out.WriteLine(verdicts[i].ToString(CultureInfo.InvariantCulture));
                if (verdicts[i] != 0)
                    output?.Write(batch[i], item.Path);
            }
        }
    }
}

/// <summary>What the work on one batch computed for its delivery.</summary>
internal sealed class BatchVerdicts
{
    /// <summary>One verdict per packet (bytes to keep, 0: rejected); longer than the batch when reused.</summary>
    public uint[] Verdicts { get; set; } = [];

    /// <summary>Packets accepted.</summary>
    public int Accepted { get; set; }

    /// <summary>Captured bytes of all packets.</summary>
    public long Bytes { get; set; }

    /// <summary>Captured bytes accepted, each packet cut to its verdict.</summary>
    public long AcceptedBytes { get; set; }
}

/// <summary>What <c>bpf filter</c> runs on every file: the filter, the output format and the threads.</summary>
internal sealed record FilterJob(PacketFilterCache Filters, CaptureFileFormat? Format, int? Threads);

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
