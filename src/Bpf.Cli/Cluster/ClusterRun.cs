using System.Diagnostics;
using System.Globalization;
using Bpf.Cli.Commands;
using Bpf.Cluster;

namespace Bpf.Cli.Cluster;

/// <summary>
/// The client side of <c>filter --cluster</c> and <c>stats --cluster</c>: one work item per input
/// file, run on the silos by <see cref="ClusterJob"/>, the results merged in input order into
/// exactly what the local run prints. As locally, the first input (in input order) that cannot be
/// read ends the merge: a damaged one after its readable part is counted, one that cannot be opened
/// (or whose link type the expression does not compile for) before anything is printed.
/// </summary>
internal static class ClusterRun
{
    public static int Stats(ClusterSettings cluster, IReadOnlyList<string> inputs, StatsJob job, string[] siloArguments, CliContext context)
    {
        var items = Items(inputs, outputDirectory: null);
        var results = Execute(cluster, "stats", siloArguments, items, context);
        if (results is null)
            return Program.ExitInput;
        var table = job.NewTable();
        long packets = 0;
        string? damage = null;
        for (var i = 0; i < results.Length && damage is null; i++)
        {
            var result = results[i];
            if (result.Failure is not null)
            {
                context.Error.WriteLine($"bpf stats: {Display(result.Failure, items[i], inputs[i])}");
                return Program.ExitInput;
            }
            foreach (var bucket in result.Buckets)
                table.RowFor(bucket.Start).Add(bucket.Packets, bucket.Bytes, bucket.AcceptedPackets, bucket.AcceptedBytes);
            packets += result.Packets;
            damage = Damage(result, items[i], inputs[i], packets);
        }
        return job.Finish(table, inputs, damage, context);
    }

    public static int Filter(ClusterSettings cluster, IReadOnlyList<string> inputs, FilterJob job, string? outputDirectory,
        bool count, bool results, string[] siloArguments, CliContext context)
    {
        if (results)
            throw new UsageException("--results prints every packet's verdict: run it without --cluster");
        if (outputDirectory == CliContext.StandardStream)
            throw new UsageException("with --cluster, -w names a directory for one output per input, not standard output");
        var items = Items(inputs, outputDirectory);
        var stopwatch = Stopwatch.StartNew();
        var done = Execute(cluster, "filter", siloArguments, items, context);
        if (done is null)
            return Program.ExitInput;
        var totals = new FilterTotals();
        string? damage = null;
        for (var i = 0; i < done.Length && damage is null; i++)
        {
            var result = done[i];
            if (result.Failure is not null)
            {
                context.Error.WriteLine($"bpf filter: {Display(result.Failure, items[i], inputs[i])}");
                return Program.ExitInput;
            }
            totals.Add(result.Packets, result.Accepted, result.Bytes, result.AcceptedBytes);
            damage = Damage(result, items[i], inputs[i], totals.Read);
        }
        stopwatch.Stop();
        context.Out.WriteLine(count ? totals.Accepted.ToString(CultureInfo.InvariantCulture) : totals.Summary(stopwatch.Elapsed));
        if (damage is null)
            return Program.ExitOk;
        context.Error.WriteLine($"bpf filter: {damage}");
        return Program.ExitInput;
    }

    /// <summary>One item per input, by absolute path; with -w DIR, the output DIR/NAME of each.</summary>
    /// <exception cref="UsageException">Standard input, or two inputs whose outputs would have the same name.</exception>
    private static WorkItem[] Items(IReadOnlyList<string> inputs, string? outputDirectory)
    {
        if (inputs.Contains(CliContext.StandardStream))
            throw new UsageException("-r - (standard input) cannot be shared with a cluster: give files on storage every silo reads");
        string? directory = null;
        if (outputDirectory is not null)
        {
            directory = Path.GetFullPath(outputDirectory);
            var clash = inputs.GroupBy(Path.GetFileName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null)
                throw new UsageException($"two inputs are named {clash.Key}: their outputs in {outputDirectory} would be one file");
            Directory.CreateDirectory(directory);
        }
        return inputs.Select((input, i) =>
        {
            var path = Path.GetFullPath(input);
            var file = new FileInfo(path);
            return new WorkItem(i, path, file.Exists ? file.Length : 0,
                directory is null ? null : Path.Combine(directory, Path.GetFileName(path)));
        }).ToArray();
    }

    /// <summary>Runs the job on the cluster; null (after saying why on stderr) when the cluster could not do it.</summary>
    private static WorkResult[]? Execute(ClusterSettings cluster, string verb, string[] siloArguments, WorkItem[] items, CliContext context)
    {
        var job = new JobSpec(Guid.NewGuid(), verb, siloArguments);
        var options = new ClusterJobOptions { Timeout = cluster.Timeout, SlotsPerSilo = cluster.Slots };
        try
        {
            return Task.Run(async () =>
            {
                await using var connection = await ClusterConnection.ConnectAsync(cluster.Address, cluster.Timeout, context.Cancellation);
                using var progress = new ClusterProgressBar(context);
                return await ClusterJob.RunAsync(connection.Client, job, items, options, progress, context.Cancellation);
            }).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ClusterUnavailableException or ClusterJobException)
        {
            context.Error.WriteLine($"bpf {verb}: {e.Message}");
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine($"bpf {verb}: interrupted; the cluster's partial results are dropped");
        }
        return null;
    }

    /// <summary>The local message for a damaged file: where and why, and the packets of every file up to it.</summary>
    private static string? Damage(WorkResult result, WorkItem item, string input, long packetsSoFar) =>
        result.Damage is null ? null
            : string.Create(CultureInfo.InvariantCulture, $"{Display(result.Damage, item, input)}; processed {packetsSoFar} packets before it");

    /// <summary>A silo's message about an item, naming the input as the user gave it.</summary>
    private static string Display(string message, WorkItem item, string input) =>
        message.StartsWith(item.Path, StringComparison.Ordinal) ? input + message[item.Path.Length..] : message;
}
