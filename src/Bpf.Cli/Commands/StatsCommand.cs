using System.CommandLine;
using System.Globalization;
using System.Text;
using Bpf.Cli.Cluster;
using Bpf.Filtering;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf stats</c>: the capture driver's statistics mode done in managed code. Every filter runs on
/// every packet in one pass over the files, counting accepted packets and bytes (wire bytes, as
/// Npcap's statistics mode counts them), optionally per time bucket of the packets' timestamps.
/// </summary>
internal sealed class StatsCommand : IVerb
{
    private readonly Option<string[]> _inputs = CliOptions.Inputs();

    private readonly Option<TimeSpan?> _interval = CliOptions.Duration("--interval", "Count per time bucket of this length (packet timestamps) instead of once for the whole input.");

    private readonly Option<string?> _format = CliOptions.Choice("--format", "The output: an aligned table, or csv and json for scripts (stable columns and keys).", "table", "table", "csv", "json");

    private readonly Option<string?> _engine = CliOptions.Engine();

    private readonly Option<int?> _threads = CliOptions.Threads();

    private readonly Option<bool> _noOptimize = CliOptions.NoOptimize();

    private readonly Option<string?> _libpcap = CliOptions.Libpcap();

    private readonly Option<string?> _plot = CliOptions.Text("--plot", "FILE", "Also draw an IO graph to FILE (.png or .svg): one line per filter, packets per --interval over packet time, with a legend.");

    private readonly Option<bool> _plotBytes = CliOptions.Flag("--plot-bytes", "Plot wire bytes per interval instead of packets.");

    private readonly ClusterOptions _cluster = new();

    private readonly Argument<string[]> _expressions = new("EXPRESSION")
    {
        Description = "One filter per argument (quote each one): every filter runs on every packet, counted separately.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public StatsCommand() =>
        Definition = new Command("stats", "Counts the packets and bytes each filter accepts, in one pass over the files, optionally per time interval.")
        {
            _inputs, _interval, _format, _engine, _threads, _noOptimize, _libpcap, _plot, _plotBytes, _cluster.Address, _cluster.Timeout, _cluster.Slots, _expressions,
        };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var inputs = InputFiles.Expand(parse.GetValue(_inputs) ?? []);
        if (inputs.Count == 0)
            throw new UsageException("expected at least one -r FILE");
        var job = Job(parse);
        if (job.Plot is { } plot)
        {
            if (job.IntervalNs == 0)
                throw new UsageException("--plot needs --interval (the width of one point, e.g. --interval 1s)");
            if (IoGraph.CheckPath(plot) is { } problem)
                throw new UsageException(problem);
            InputFiles.CheckOutput(plot, "--plot", inputs);
        }
        else if (job.PlotBytes)
        {
            throw new UsageException("--plot-bytes needs --plot FILE");
        }
        if (_cluster.From(parse) is { } cluster)
            return ClusterRun.Stats(cluster, inputs, job, ClusterArguments.ForSilos(parse), context);

        var (table, failure) = job.Count(inputs, context);
        return job.Finish(table, inputs, failure, context);
    }

    /// <summary>What to run on every file, from the verb's options (a silo reads a cluster job's arguments with this too).</summary>
    /// <exception cref="UsageException">No expression.</exception>
    internal StatsJob Job(ParseResult parse)
    {
        var expressions = parse.GetValue(_expressions) ?? [];
        if (expressions.Length == 0)
            throw new UsageException("expected at least one expression (quote each one)");
        var engine = CliOptions.EngineOf(parse.GetValue(_engine));
        var interval = parse.GetValue(_interval);
        // Compiled as tcpdump -r compiles, per file.
        var options = LibpcapChoice.ForFiles(parse.GetValue(_libpcap), !parse.GetValue(_noOptimize));
        return new StatsJob(expressions, new FilterGroup([.. expressions.Select(e => new PacketFilterCache(e, options, engine))]),
            interval is { } i ? (long)i.TotalNanoseconds : 0, parse.GetValue(_format) ?? "table", parse.GetValue(_threads))
        {
            Plot = parse.GetValue(_plot),
            PlotBytes = parse.GetValue(_plotBytes),
        };
    }

    /// <summary>Runs on a worker: every filter over every packet of the batch, counted into the batch's own table.</summary>
    internal static void CountBatch(PipelineItem<StatsBatch> item, FilterGroup filters)
    {
        var counts = item.State.Counts;
        counts.Clear();
        var batch = item.Batch;
        var snaplen = item.Input.Snaplen;
        var slices = batch.Slices;
        // One verdict per packet and filter (index packet * filters + filter): all filters run in one
        // pass over each run of one link type.
        var width = filters.Count;
        var cells = width * batch.Count;
        if (item.State.Verdicts.Length < cells)
            item.State.Verdicts = new uint[Math.Max(cells, 2 * item.State.Verdicts.Length)];
        var verdicts = item.State.Verdicts.AsSpan(0, cells);
        for (var start = 0; start < batch.Count;)
        {
            var run = batch.LinkTypeRun(start);
            filters.For(batch.LinkTypeAt(start), snaplen, item.Input.Swapped, item.Path)(slices.Slice(start, run), verdicts.Slice(start * width, run * width));
            start += run;
        }
        for (var i = 0; i < slices.Length; i++)
        {
            var wireLength = slices[i].WireLength;
            var row = counts.RowFor(batch.TimestampAt(i));
            var packetVerdicts = verdicts.Slice(i * width, width);
            for (var f = 0; f < width; f++)
                if (packetVerdicts[f] != 0)
                    row.Add(f, wireLength);
            row.Seen(wireLength);
        }
    }
}

/// <summary>
/// What <c>bpf stats</c> runs, whatever the files: the filters, the bucket width, the output format.
/// A local run counts every file itself; a cluster run has each silo count its files with the same
/// job, read there from the same arguments, and adds the tables up.
/// </summary>
internal sealed record StatsJob(IReadOnlyList<string> Expressions, FilterGroup Filters, long IntervalNs, string Format, int? Threads)
{
    /// <summary>An empty table for this job's filters and buckets.</summary>
    public StatsTable NewTable() => new(Filters.Count, IntervalNs);

    /// <summary>Counts the files in one pass; returns the table and null, or where and why a damaged file stopped the count.</summary>
    /// <exception cref="Exception">Why a file could not be opened or read, or a filter not compiled for it.</exception>
    public (StatsTable Table, string? Failure) Count(IReadOnlyList<string> inputs, CliContext context)
    {
        var table = NewTable();
        var failure = new OfflinePipeline<StatsBatch>(inputs, () => new StatsBatch(NewTable()), context, Threads, input =>
            Filters.Prepare(input.LinkType, input.Snaplen, input.Swapped)).Run(item => StatsCommand.CountBatch(item, Filters), (item, _) => table.Add(item.State.Counts));
        return (table, failure);
    }

    /// <summary>The IO graph's file (<c>--plot</c>), or null; the client draws it, silos never see it.</summary>
    public string? Plot { get; init; }

    /// <summary>Plot wire bytes, not packets (<c>--plot-bytes</c>).</summary>
    public bool PlotBytes { get; init; }

    /// <summary>
    /// The end of a run, local or on the cluster: prints <paramref name="table"/> (whatever was counted,
    /// also after damage), draws the IO graph, and reports <paramref name="failure"/>; the exit code.
    /// </summary>
    /// <exception cref="InputException">More points a line than <see cref="IoGraph.MaxBuckets"/>.</exception>
    public int Finish(StatsTable table, IReadOnlyList<string> inputs, string? failure, CliContext context)
    {
        context.Out.Write(Print(table));
        Draw(table, inputs);
        if (failure is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf stats: {failure}");
        return Program.ExitInput;
    }

    /// <summary>Draws the IO graph of <paramref name="table"/> when <c>--plot</c> asked for one.</summary>
    private void Draw(StatsTable table, IReadOnlyList<string> inputs)
    {
        if (Plot is null)
            return;
        var interval = TimeSpan.FromTicks(IntervalNs / 100);
        var rows = table.Contiguous(IoGraph.MaxBuckets, interval);
        var series = Expressions.Select((e, f) => (e, rows.Select(r => (double)(PlotBytes ? r.AcceptedBytes[f] : r.AcceptedPackets[f])).ToArray())).ToList();
        var starts = rows.Select(r => DateTime.UnixEpoch.AddTicks(r.Start / 100)).ToArray();
        var title = string.Join(", ", inputs.Select(i => i == CliContext.StandardStream ? "standard input" : Path.GetFileName(i)));
        if (title.Length > 80)
            title = title[..77] + "...";
        IoGraph.Write(Plot, series, starts, $"{(PlotBytes ? "bytes" : "packets")} per {IoGraph.Describe(interval)}", title);
    }

    /// <summary>The table as the chosen <c>--format</c> prints it.</summary>
    private string Print(StatsTable table) => Format switch
    {
        "csv" => table.ToCsv(Expressions),
        "json" => table.ToJson(Expressions),
        _ => table.ToText(Expressions),
    };
}

/// <summary>What the work on one batch keeps for its delivery: the batch's counts, and the verdicts they came from.</summary>
internal sealed class StatsBatch(StatsTable counts)
{
    /// <summary>The batch's own counts, added to the run's table on delivery.</summary>
    public StatsTable Counts { get; } = counts;

    /// <summary>One verdict per packet and filter (index <c>packet * filters + filter</c>); longer than needed when reused.</summary>
    public uint[] Verdicts { get; set; } = [];
}

/// <summary>Accepted packet and byte counts per filter, per time bucket (one bucket without an interval).</summary>
internal sealed class StatsTable(int filterCount, long intervalNs)
{
    private readonly SortedDictionary<long, StatsRow> _rows = [];
    private StatsRow? _last;

    /// <summary>Empties the table for reuse.</summary>
    public void Clear()
    {
        _rows.Clear();
        _last = null;
    }

    /// <summary>Adds another table's counts (of the same filters and interval) to this one's.</summary>
    public void Add(StatsTable other)
    {
        foreach (var (start, row) in other._rows)
        {
            var mine = RowFor(start);
            mine.Add(row);
        }
    }

    /// <summary>The bucket of a timestamp (nanoseconds since the epoch).</summary>
    public StatsRow RowFor(long timestamp)
    {
        var start = intervalNs > 0 ? timestamp - (((timestamp % intervalNs) + intervalNs) % intervalNs) : 0;
        if (_last is not null && _last.Start == start)
            return _last;
        if (!_rows.TryGetValue(start, out var row))
            _rows[start] = row = new StatsRow(start, filterCount);
        return _last = row;
    }

    /// <summary>
    /// Every bucket from the first packet's to the last packet's, the empty ones included, as a time
    /// axis needs them; none for an empty input.
    /// </summary>
    /// <exception cref="InputException">More than <paramref name="maxBuckets"/> buckets.</exception>
    public IReadOnlyList<StatsRow> Contiguous(long maxBuckets, TimeSpan interval)
    {
        if (_rows.Count == 0 || intervalNs <= 0)
            return [.. _rows.Values];
        var first = _rows.Keys.First();
        var count = ((_rows.Keys.Last() - first) / intervalNs) + 1;
        if (count > maxBuckets)
            throw new InputException($"--interval {IoGraph.Describe(interval)} makes {count} points a line over these packets' times (at most {maxBuckets}): take a longer interval");
        var rows = new StatsRow[count];
        for (var i = 0L; i < count; i++)
        {
            var start = first + (i * intervalNs);
            rows[i] = _rows.TryGetValue(start, out var row) ? row : new StatsRow(start, filterCount);
        }
        return rows;
    }

    /// <summary>The buckets counted so far, in time order.</summary>
    public IEnumerable<StatsRow> CountedRows => _rows.Values;

    private IEnumerable<StatsRow> Rows => _rows.Count > 0 ? _rows.Values : [new StatsRow(0, filterCount)];

    private string BucketLabel(StatsRow row) => intervalNs > 0
        ? DateTimeOffset.UnixEpoch.AddTicks(row.Start / 100).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)
        : "all";

    public string ToText(IReadOnlyList<string> expressions)
    {
        var width = Math.Max(10, expressions.Max(e => e.Length));
        var text = new StringBuilder();
        foreach (var row in Rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{BucketLabel(row)}  packets {row.Packets} bytes {row.Bytes}\n");
            text.Append(CultureInfo.InvariantCulture, $"  {"filter".PadRight(width)}  {"packets",12}  {"bytes",14}\n");
            for (var f = 0; f < expressions.Count; f++)
                text.Append(CultureInfo.InvariantCulture, $"  {expressions[f].PadRight(width)}  {row.AcceptedPackets[f],12}  {row.AcceptedBytes[f],14}\n");
        }
        return text.ToString();
    }

    public string ToCsv(IReadOnlyList<string> expressions)
    {
        var text = new StringBuilder("bucket,filter,packets,bytes,total_packets,total_bytes\n");
        foreach (var row in Rows)
            for (var f = 0; f < expressions.Count; f++)
                text.Append(CultureInfo.InvariantCulture,
                    $"{BucketLabel(row)},\"{expressions[f].Replace("\"", "\"\"")}\",{row.AcceptedPackets[f]},{row.AcceptedBytes[f]},{row.Packets},{row.Bytes}\n");
        return text.ToString();
    }

    public string ToJson(IReadOnlyList<string> expressions)
    {
        var buckets = Rows.Select(row => new
        {
            bucket = BucketLabel(row),
            packets = row.Packets,
            bytes = row.Bytes,
            filters = expressions.Select((e, f) => new { filter = e, packets = row.AcceptedPackets[f], bytes = row.AcceptedBytes[f] }),
        });
        return System.Text.Json.JsonSerializer.Serialize(new { buckets }, s_json) + "\n";
    }

    private static readonly System.Text.Json.JsonSerializerOptions s_json = new() { WriteIndented = true };
}

/// <summary>One time bucket.</summary>
internal sealed class StatsRow(long start, int filterCount)
{
    public long Start { get; } = start;

    public long Packets { get; private set; }

    public long Bytes { get; private set; }

    public long[] AcceptedPackets { get; } = new long[filterCount];

    public long[] AcceptedBytes { get; } = new long[filterCount];

    /// <summary>Adds counts made elsewhere (a silo's table for the same bucket).</summary>
    public void Add(long packets, long bytes, IReadOnlyList<long> acceptedPackets, IReadOnlyList<long> acceptedBytes)
    {
        Packets += packets;
        Bytes += bytes;
        for (var f = 0; f < AcceptedPackets.Length; f++)
        {
            AcceptedPackets[f] += acceptedPackets[f];
            AcceptedBytes[f] += acceptedBytes[f];
        }
    }

    public void Seen(uint wireLength)
    {
        Packets++;
        Bytes += wireLength;
    }

    public void Add(int filter, uint wireLength)
    {
        AcceptedPackets[filter]++;
        AcceptedBytes[filter] += wireLength;
    }

    /// <summary>Adds the counts of the same bucket from another table.</summary>
    public void Add(StatsRow other)
    {
        Packets += other.Packets;
        Bytes += other.Bytes;
        for (var f = 0; f < AcceptedPackets.Length; f++)
        {
            AcceptedPackets[f] += other.AcceptedPackets[f];
            AcceptedBytes[f] += other.AcceptedBytes[f];
        }
    }
}
