using System.Net;
using StackExchange.Redis;

namespace Bpf.Cluster;

/// <summary>
/// Where a cluster's membership lives: <c>redis://HOST:PORT</c> (optionally
/// <c>redis://:PASSWORD@HOST:PORT</c>). Every silo and client given the same address is one cluster.
/// </summary>
public sealed record ClusterAddress(string Host, int Port, string? Password)
{
    /// <summary>The Orleans cluster and service id every <c>bpf</c> silo and client uses.</summary>
    public const string ClusterId = "bpf";

    /// <summary>Parses <c>redis://HOST:PORT</c>.</summary>
    /// <exception cref="FormatException">Not such an address.</exception>
    public static ClusterAddress Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "redis" || uri.Host.Length == 0
            || (uri.AbsolutePath is not ("" or "/")))
            throw new FormatException($"'{text}' is not a cluster address (redis://HOST:PORT)");
        var port = uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port;
        var password = uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo.TrimStart(':'));
        return new ClusterAddress(uri.Host.Trim('[', ']'), port, password);
    }

    /// <summary>Whether the membership store is on this machine's loopback (then silos advertise 127.0.0.1).</summary>
    public bool IsLoopback => Host == "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>The StackExchange.Redis options, with a connect timeout of <paramref name="timeout"/>.</summary>
    public ConfigurationOptions RedisOptions(TimeSpan timeout)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { Host, Port } },
            Password = Password,
            ConnectTimeout = (int)Math.Clamp(timeout.TotalMilliseconds, 100, int.MaxValue),
            AbortOnConnectFail = true,
        };
        return options;
    }

    /// <inheritdoc/>
    public override string ToString() => $"redis://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}
