using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Bpf.Cluster;

/// <summary>No silo of the cluster could be reached (or none stayed reachable) in the time allowed.</summary>
public sealed class ClusterUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A job that cannot finish: an item failed on every attempt for a reason that is not bad input.</summary>
public sealed class ClusterJobException(string message) : Exception(message);

/// <summary>A client connected to a <c>bpf</c> cluster.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, ClusterAddress address)
    {
        _host = host;
        Address = address;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The cluster.</summary>
    public ClusterAddress Address { get; }

    /// <summary>The Orleans client.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects to a gateway of the cluster, trying until <paramref name="timeout"/> runs out.</summary>
    /// <exception cref="ClusterUnavailableException">No silo answered in time (or the membership store did not).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterAddress address, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The tool prints its own one-line messages; Orleans' connection warnings would only repeat them.
        builder.Logging.ClearProviders();
        // BPF_CLUSTER_TRACE=1: Orleans' own account of connecting, on standard output, for diagnosing a deployment.
        if (Environment.GetEnvironmentVariable("BPF_CLUSTER_TRACE") is not null)
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        builder.UseOrleansClient(client =>
        {
            client.UseRedisClustering(o => o.ConfigurationOptions = address.RedisOptions(timeout));
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterAddress.ClusterId, ClusterAddress.ClusterId));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.UseConnectionRetryFilter(new RetryUntil(deadline.Token));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(deadline.Token);
            return new ClusterConnection(host, address);
        }
        catch (Exception e)
        {
            await StopQuietly(host);
            if (cancellation.IsCancellationRequested)
                throw new OperationCanceledException(cancellation);
            throw new ClusterUnavailableException(
                $"no silo of the cluster at {address} could be reached within {timeout.TotalSeconds:0.#} s ({Reason(e)})", e);
        }
    }

    private static string Reason(Exception e) => e switch
    {
        OperationCanceledException => "timed out",
        _ => (e.InnerException ?? e).Message.Split('\n')[0].TrimEnd('\r', '.'),
    };

    /// <summary>Disconnects.</summary>
    public async ValueTask DisposeAsync() => await StopQuietly(_host);

    private static async Task StopQuietly(IHost host)
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stop.Token);
        }
        catch (Exception)
        {
            // Leaving anyway: a cluster that went away while we disconnect has nothing left to say.
        }
        host.Dispose();
    }

    private sealed class RetryUntil(CancellationToken deadline) : IClientConnectionRetryFilter
    {
        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline, cancellationToken);
            try
            {
                await Task.Delay(250, wait.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
