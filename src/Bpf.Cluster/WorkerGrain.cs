using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Bpf.Cluster;

/// <summary>
/// One work slot on one silo. Its key names the silo it must live on (see
/// <see cref="SiloPinnedPlacement"/>) and a slot number, so the client decides how many items each
/// silo works on at once and sees which silo does what.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>Runs the job on one item on this grain's silo.</summary>
    /// <remarks>
    /// An item runs for seconds to minutes, so this one call may take up to an hour; everything else
    /// in the cluster (directory, membership, probes) keeps Orleans' default response timeout, so a
    /// call that meets a dead silo fails in seconds instead of waiting that hour.
    /// </remarks>
    [ResponseTimeout("01:00:00")]
    Task<WorkResult> Run(JobSpec job, WorkItem item, CancellationToken cancellation = default);

    /// <summary>
    /// What this slot does now, asked about item <paramref name="item"/> of job <paramref name="job"/>.
    /// Answered while <see cref="Run"/> runs: the client asks it to notice a call that Orleans lost
    /// (a request or an answer that went through a gateway that died) and would otherwise wait for.
    /// </summary>
    [AlwaysInterleave]
    Task<WorkerState> Probe(Guid job, int item);
}

/// <summary>What a worker slot is doing, as <see cref="IWorkerGrain.Probe"/> answers.</summary>
[GenerateSerializer]
public enum WorkerState
{
    /// <summary>Nothing: a call for the item asked about is not (or no longer) here.</summary>
    Idle,

    /// <summary>Running the item asked about.</summary>
    Running,

    /// <summary>Running another item (the one asked about may be queued behind it).</summary>
    Busy,
}

/// <summary>The worker: hands the item to the host's <see cref="IClusterWork"/> on the thread pool.</summary>
[SiloPinnedPlacement]
internal sealed class WorkerGrain(IClusterWork work, ILocalSiloDetails silo, ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private (Guid Job, int Item)? _current;

    public Task<WorkerState> Probe(Guid job, int item) =>
        Task.FromResult(_current is not { } current ? WorkerState.Idle : current == (job, item) ? WorkerState.Running : WorkerState.Busy);

    public async Task<WorkResult> Run(JobSpec job, WorkItem item, CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        _current = (job.JobId, item.Index);
        // The work is CPU- and I/O-bound for seconds: off the grain scheduler, on threads of its own.
        WorkResult result;
        try
        {
            result = await Task.Factory.StartNew(() => work.Run(job, item, cancellation), cancellation,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "job {Job} item {Index} ({Path}) failed", job.JobId, item.Index, item.Path);
            result = new WorkResult { Fault = $"{e.GetType().Name}: {e.Message}" };
        }
        finally
        {
            _current = null;
        }
        logger.LogDebug("job {Job} item {Index} ({Path}) done in {Seconds:0.000} s", job.JobId, item.Index, item.Path, stopwatch.Elapsed.TotalSeconds);
        return result with { Silo = silo.SiloAddress.ToParsableString(), Seconds = stopwatch.Elapsed.TotalSeconds };
    }
}
