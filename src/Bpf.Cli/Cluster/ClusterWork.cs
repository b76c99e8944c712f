using System.Collections.Concurrent;
using System.Globalization;
using Bpf.Cli.Commands;
using Bpf.Cluster;

namespace Bpf.Cli.Cluster;

/// <summary>
/// What a <c>bpf silo</c> does with one input file of a job: parses the job's arguments with the
/// verb's own parser and runs the verb's own offline pipeline on the file, exactly as
/// <c>bpf filter</c>/<c>bpf stats</c> with that one <c>-r</c> would. The parsed job (its filters,
/// compiled once per link type) is kept for the job's other files.
/// </summary>
internal sealed class ClusterWork : IClusterWork
{
    private const int JobsKept = 8;
    private readonly ConcurrentDictionary<Guid, Lazy<object>> _jobs = new();
    private readonly ConcurrentQueue<Guid> _jobOrder = new();

    public WorkResult Run(JobSpec job, WorkItem item, CancellationToken cancellation)
    {
        var context = new CliContext(TextWriter.Null, TextWriter.Null, TextReader.Null, ErrorIsTerminal: false)
        {
            Cancellation = cancellation,
            OpenInput = () => throw new InputException("standard input is not shared with a cluster"),
        };
        try
        {
            return Parsed(job, context) switch
            {
                StatsJob stats => Stats(stats, item, context),
                FilterJob filter => Filter(filter, item, context),
                _ => throw new InvalidOperationException($"unknown verb '{job.Verb}'"),
            };
        }
        catch (Exception e) when (e is not UsageException && InputErrors.Describe(e) is { } message)
        {
            return new WorkResult { Failure = message };
        }
        finally
        {
            cancellation.ThrowIfCancellationRequested();
        }
    }

    private object Parsed(JobSpec job, CliContext context)
    {
        var parsed = _jobs.GetOrAdd(job.JobId, _ =>
        {
            _jobOrder.Enqueue(job.JobId);
            return new Lazy<object>(() => Parse(job, context));
        });
        while (_jobOrder.Count > JobsKept && _jobOrder.TryDequeue(out var old))
            _jobs.TryRemove(old, out _);
        return parsed.Value;
    }

    /// <summary>Reads the job's arguments with the verb's own definition and options.</summary>
    private static object Parse(JobSpec job, CliContext context)
    {
        switch (job.Verb)
        {
            case "stats":
                var stats = new StatsCommand();
                return stats.Job(ClusterArguments.Parse(stats.Definition, job.Arguments));
            case "filter":
                var filter = new FilterCommand();
                return filter.Job(ClusterArguments.Parse(filter.Definition, job.Arguments), context);
            default:
                throw new InvalidOperationException($"unknown verb '{job.Verb}'");
        }
    }

    private static WorkResult Stats(StatsJob job, WorkItem item, CliContext context)
    {
        var (table, damage) = job.Count([item.Path], context);
        var buckets = table.CountedRows
            .Select(r => new StatsBucket(r.Start, r.Packets, r.Bytes, [.. r.AcceptedPackets], [.. r.AcceptedBytes]))
            .ToArray();
        var packets = buckets.Sum(b => b.Packets);
        return new WorkResult { Packets = packets, Bytes = buckets.Sum(b => b.Bytes), Buckets = buckets, Damage = WithoutCount(damage, packets) };
    }

    private static WorkResult Filter(FilterJob job, WorkItem item, CliContext context)
    {
        var totals = new FilterTotals();
        // Written under a name of its own and renamed when complete: an attempt on a silo that dies
        // leaves no half file under the output's name, and a second attempt's rename replaces the first's.
        var partial = item.OutputPath is null ? null
            : Path.Combine(Path.GetDirectoryName(item.OutputPath)!, $".{Path.GetFileName(item.OutputPath)}.{Guid.NewGuid():N}.part");
        string? damage;
        var output = partial is null ? null : new FilterOutput(partial, job.Format, context);
        try
        {
            damage = FilterCommand.Run([item.Path], job.Filters, output, totals, results: false, job.Threads, context);
            output?.Dispose();
        }
        catch (Exception e) when (InputErrors.Describe(e) is not null)
        {
            // Bad input: what was written stays, as a local run leaves it.
            output?.Dispose();
            Publish(partial, item.OutputPath);
            if (partial is not null && e.Message.Contains(partial, StringComparison.Ordinal))
                throw new InputException(e.Message.Replace(partial, item.OutputPath, StringComparison.Ordinal), e);
            throw;
        }
        catch
        {
            output?.Dispose();
            if (partial is not null)
                File.Delete(partial);
            throw;
        }
        Publish(partial, item.OutputPath);
        return new WorkResult
        {
            Packets = totals.Read,
            Accepted = totals.Accepted,
            Bytes = totals.Bytes,
            AcceptedBytes = totals.AcceptedBytes,
            Damage = WithoutCount(damage, totals.Read),
        };
    }

    private static void Publish(string? partial, string? output)
    {
        if (partial is not null && File.Exists(partial))
            File.Move(partial, output!, overwrite: true);
    }

    /// <summary>
    /// The pipeline's damaged-file message without its closing packet count, which counts this
    /// file only: the client puts back the count over every file up to this one.
    /// </summary>
    private static string? WithoutCount(string? damage, long packets)
    {
        var suffix = string.Create(CultureInfo.InvariantCulture, $"; processed {packets} packets before it");
        return damage is not null && damage.EndsWith(suffix, StringComparison.Ordinal) ? damage[..^suffix.Length] : damage;
    }
}
