using Bpf.Cluster;

namespace Bpf.Cli.Cluster;

/// <summary>
/// <c>--cluster redis://HOST:PORT [--timeout DURATION] [--slots N]</c> on an offline verb: run it on
/// the silos of that cluster instead of here.
/// </summary>
internal sealed record ClusterOptions(ClusterAddress Address, TimeSpan Timeout, int Slots)
{
    /// <summary>The options that take a value (the verbs declare them with their own).</summary>
    public static readonly string[] Valued = ["--cluster", "--timeout", "--slots"];

    /// <summary>The cluster options given, or null for a local run.</summary>
    /// <exception cref="UsageException">A bad address, or <c>--timeout</c>/<c>--slots</c> without <c>--cluster</c>.</exception>
    public static ClusterOptions? From(ArgumentReader reader)
    {
        var text = reader.Value("--cluster");
        if (text is null)
        {
            if (reader.Value("--timeout") is not null || reader.Value("--slots") is not null)
                throw new UsageException("--timeout and --slots go with --cluster");
            return null;
        }
        ClusterAddress address;
        try
        {
            address = ClusterAddress.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        var timeout = reader.Duration("--timeout") ?? TimeSpan.FromSeconds(30);
        var slots = (int)reader.Number("--slots", new ClusterJobOptions().SlotsPerSilo, 1, 64);
        return new ClusterOptions(address, timeout, slots);
    }
}
