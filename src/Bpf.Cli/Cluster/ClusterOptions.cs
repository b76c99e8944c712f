using System.CommandLine;
using Bpf.Cluster;

namespace Bpf.Cli.Cluster;

/// <summary>What <c>--cluster redis://HOST:PORT [--timeout DURATION] [--slots N]</c> asked for.</summary>
internal sealed record ClusterSettings(ClusterAddress Address, TimeSpan Timeout, int Slots);

/// <summary>
/// The options that send an offline verb to the silos of a cluster instead of running it here;
/// each verb that can adds the three to its definition.
/// </summary>
internal sealed class ClusterOptions(bool outputs = false)
{
    public Option<string?> Address { get; } = CliOptions.Text("--cluster", "redis://HOST:PORT",
        outputs
            ? "Run on the silos of the cluster whose membership is in this Redis (bpf silo); -w then names a directory for one output per input."
            : "Run on the silos of the cluster whose membership is in this Redis (bpf silo); the output is the same as here.");

    public Option<TimeSpan?> Timeout { get; } = CliOptions.Duration("--timeout", "With --cluster: give up when no silo is reachable for this long (default 30s).");

    public Option<long> Slots { get; } = CliOptions.Number("--slots", "N", "With --cluster: files each silo works on at once.", new ClusterJobOptions().SlotsPerSilo, 1, 64);

    /// <summary>The cluster to run on, or null for a local run.</summary>
    /// <exception cref="UsageException">A bad address, or <c>--timeout</c>/<c>--slots</c> without <c>--cluster</c>.</exception>
    public ClusterSettings? From(ParseResult parse)
    {
        var text = parse.GetValue(Address);
        if (text is null)
        {
            if (parse.GetResult(Timeout) is { Implicit: false } || parse.GetResult(Slots) is { Implicit: false })
                throw new UsageException("--timeout and --slots go with --cluster");
            return null;
        }
        try
        {
            return new ClusterSettings(ClusterAddress.Parse(text), parse.GetValue(Timeout) ?? TimeSpan.FromSeconds(30), (int)parse.GetValue(Slots));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
