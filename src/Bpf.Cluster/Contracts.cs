namespace Bpf.Cluster;

/// <summary>
/// What a job runs on every work item: a verb of the tool and its arguments (inputs and outputs
/// left out), parsed on the silo by the very code the local verb parses them with, so every option
/// a local run honours is honoured on the cluster.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobSpec(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] string Verb,
    [property: Id(2)] string[] Arguments);

/// <summary>One unit of a job: a whole input file, its position in the input list and where its output goes.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkItem(
    [property: Id(0)] int Index,
    [property: Id(1)] string Path,
    [property: Id(2)] long Length,
    [property: Id(3)] string? OutputPath);

/// <summary>
/// What a silo found in one work item. Bad input (a damaged file, an expression that does not
/// compile for the file's link type) is a result like any other: it is the same wherever it runs,
/// so it is reported, never retried. Only a failure of the cluster itself (a silo gone) is retried.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkResult
{
    /// <summary>Packets read.</summary>
    [Id(0)] public long Packets { get; init; }

    /// <summary>Packets the (first) filter accepted.</summary>
    [Id(1)] public long Accepted { get; init; }

    /// <summary>Captured bytes read.</summary>
    [Id(2)] public long Bytes { get; init; }

    /// <summary>Captured bytes accepted, each packet cut to its verdict.</summary>
    [Id(3)] public long AcceptedBytes { get; init; }

    /// <summary>Per-filter counts per time bucket (statistics jobs).</summary>
    [Id(4)] public StatsBucket[] Buckets { get; init; } = [];

    /// <summary>
    /// Where and why the file stopped being readable (what came before it is counted), without the
    /// packet count the local message ends with: the client adds the count over all files before.
    /// </summary>
    [Id(5)] public string? Damage { get; init; }

    /// <summary>The one-line message of an input error that stopped the file (nothing of it counts).</summary>
    [Id(6)] public string? Failure { get; init; }

    /// <summary>The silo that did the work (for the progress report and the tests).</summary>
    [Id(7)] public string Silo { get; init; } = "";

    /// <summary>Seconds the silo spent on the item.</summary>
    [Id(8)] public double Seconds { get; init; }

    /// <summary>
    /// Set when the host's work threw (a bug or a failing disk, not bad input): the item is tried
    /// again, on another silo if there is one, a few times before the job fails with this message.
    /// </summary>
    [Id(9)] public string? Fault { get; init; }
}

/// <summary>The counts of one time bucket: every packet, and those each filter accepted.</summary>
[GenerateSerializer, Immutable]
public sealed record StatsBucket(
    [property: Id(0)] long Start,
    [property: Id(1)] long Packets,
    [property: Id(2)] long Bytes,
    [property: Id(3)] long[] AcceptedPackets,
    [property: Id(4)] long[] AcceptedBytes);
