namespace Bpf.Cluster;

/// <summary>
/// The per-item work a silo runs, supplied by the process hosting the silo (the <c>bpf</c> tool
/// registers the very code its local verbs run). Bpf.Cluster schedules items; it knows nothing of
/// filters or capture files.
/// </summary>
public interface IClusterWork
{
    /// <summary>Runs <paramref name="job"/> on one item.</summary>
    /// <returns>The counts, or the input error the item met (bad input is a result, not an exception).</returns>
    /// <exception cref="Exception">Anything else: the item is then tried again, on another silo if there is one.</exception>
    WorkResult Run(JobSpec job, WorkItem item, CancellationToken cancellation);
}
