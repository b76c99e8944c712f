using System.Diagnostics;
using Microsoft.Extensions.Logging;
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
    Task<WorkResult> Run(JobSpec job, WorkItem item, CancellationToken cancellation = default);
}

/// <summary>The worker: hands the item to the host's <see cref="IClusterWork"/> on the thread pool.</summary>
[SiloPinnedPlacement]
internal sealed class WorkerGrain(IClusterWork work, ILocalSiloDetails silo, ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    public async Task<WorkResult> Run(JobSpec job, WorkItem item, CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
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
        logger.LogDebug("job {Job} item {Index} ({Path}) done in {Seconds:0.000} s", job.JobId, item.Index, item.Path, stopwatch.Elapsed.TotalSeconds);
        return result with { Silo = silo.SiloAddress.ToParsableString(), Seconds = stopwatch.Elapsed.TotalSeconds };
    }
}
