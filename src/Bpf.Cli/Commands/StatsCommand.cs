using System.Globalization;
using Bpf.Cli.Cluster;
using System.Text;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf stats</c>: the capture driver's statistics mode done in managed code. Every filter runs on
/// every packet in one pass over the files, counting accepted packets and bytes (wire bytes, as
/// Npcap's statistics mode counts them), optionally per time bucket of the packets' timestamps.
/// </summary>
internal sealed class StatsCommand : ICommand
{
    public string Name => "stats";

    public string Usage => "stats -r FILE|- [-r FILE...] [--interval DURATION] [--format table|csv|json] [--engine interp|jit] [--threads N] [--cluster redis://HOST:PORT [--timeout DURATION]] EXPRESSION [EXPRESSION...]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = Read(args);
        var inputs = InputFiles.Expand(reader.Values("-r"));
        if (inputs.Count == 0)
            throw new UsageException("expected at least one -r FILE");
        var job = StatsJob.Parse(reader);
        if (ClusterOptions.From(reader) is { } cluster)
            return ClusterRun.Stats(cluster, inputs, job, args, context);

        var (table, failure) = job.Count(inputs, context);
        context.Out.Write(job.Print(table));
        if (failure is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf stats: {failure}");
        return Program.ExitInput;
    }

    /// <summary>Reads the verb's arguments (the silos read the job's the same way).</summary>
    /// <exception cref="UsageException">An unknown option, or an option without its value.</exception>
    internal static ArgumentReader Read(IReadOnlyList<string> args) =>
        new(args, ["-r", "--interval", "--format", "--engine", "--threads", .. ClusterOptions.Valued], []);

    /// <summary>Runs on a worker: every filter over every packet of the batch, counted into the batch's own table.</summary>
    // Runs for a whole file in a few calls: fully optimized from the start instead of waiting for tiering.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal static void CountBatch(PipelineItem item, FilterSet[] filters, long intervalNs)
    {
        if (item.State is not StatsTable counts)
            item.State = counts = new StatsTable(filters.Length, intervalNs);
        counts.Clear();
        var batch = item.Batch;
        var snaplen = item.Input.Snaplen;
        var slices = batch.Slices;
        // One verdict per filter and packet (index filter * Count + packet), each filter run over
        // each run of one link type by its batch entry.
        var cells = filters.Length * batch.Count;
        if (item.Verdicts.Length < cells)
            item.Verdicts = new uint[Math.Max(cells, 2 * item.Verdicts.Length)];
        var verdicts = item.Verdicts.AsSpan(0, cells);
        for (var start = 0; start < batch.Count;)
        {
            var run = batch.LinkTypeRun(start);
            var linkType = batch.LinkTypeAt(start);
            for (var f = 0; f < filters.Length; f++)
                filters[f].BatchFor(linkType, snaplen)(slices.Slice(start, run), verdicts.Slice(f * batch.Count + start, run));
            start += run;
        }
        for (var i = 0; i < slices.Length; i++)
        {
            var wireLength = slices[i].WireLength;
            var row = counts.RowFor(batch.TimestampAt(i));
            for (var f = 0; f < filters.Length; f++)
                if (verdicts[f * batch.Count + i] != 0)
                    row.Add(f, wireLength);
            row.Seen(wireLength);
        }
    }
}

/// <summary>
/// What <c>bpf stats</c> runs, whatever the files: the filters, the bucket width, the output format.
/// A local run counts every file itself; a cluster run has each silo count its files with the
/// same job, parsed there from the same arguments, and adds the tables up.
/// </summary>
internal sealed class StatsJob
{
    private StatsJob(IReadOnlyList<string> expressions, FilterSet[] filters, long intervalNs, string format, int? threads)
    {
        Expressions = expressions;
        Filters = filters;
        IntervalNs = intervalNs;
        Format = format;
        Threads = threads;
    }

    public IReadOnlyList<string> Expressions { get; }

    public FilterSet[] Filters { get; }

    public long IntervalNs { get; }

    public string Format { get; }

    public int? Threads { get; }

    /// <exception cref="UsageException">No expression, or a bad option value.</exception>
    public static StatsJob Parse(ArgumentReader reader)
    {
        if (reader.Operands.Count == 0)
            throw new UsageException("expected at least one expression (quote each one)");
        var engine = reader.Choice("--engine", "jit", "jit", "interp") == "jit" ? FilterEngine.Jit : FilterEngine.Interpreter;
        var format = reader.Choice("--format", "table", "table", "csv", "json");
        var interval = reader.Duration("--interval");
        var expressions = reader.Operands;
        var filters = expressions.Select(e => FilterSet.FromExpression(e, engine)).ToArray();
        return new StatsJob(expressions, filters, interval is { } i ? (long)i.TotalNanoseconds : 0, format, reader.Threads());
    }

    /// <summary>An empty table for this job's filters and buckets.</summary>
    public StatsTable NewTable() => new(Filters.Length, IntervalNs);

    /// <summary>Counts the files in one pass; returns the table and null, or where and why a damaged file stopped the count.</summary>
    /// <exception cref="Exception">Why a file could not be opened or read, or a filter not compiled for it.</exception>
    public (StatsTable Table, string? Failure) Count(IReadOnlyList<string> inputs, CliContext context)
    {
        var table = NewTable();
        var failure = new OfflinePipeline(inputs, context, Threads, input =>
        {
            foreach (var filter in Filters)
                filter.Prepare(input.LinkType, input.Snaplen);
        }).Run(item => StatsCommand.CountBatch(item, Filters, IntervalNs), (item, _) => table.Add((StatsTable)item.State!));
        return (table, failure);
    }

    /// <summary>The table as the chosen <c>--format</c> prints it.</summary>
    public string Print(StatsTable table) => Format switch
    {
        "csv" => table.ToCsv(Expressions),
        "json" => table.ToJson(Expressions),
        _ => table.ToText(Expressions),
    };
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
