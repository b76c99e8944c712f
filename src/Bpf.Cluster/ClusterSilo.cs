using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Bpf.Cluster;

/// <summary>Where one silo listens: silo-to-silo and client (gateway) ports on an address the others can reach.</summary>
/// <param name="Address">The address advertised to the cluster (null: Orleans picks this host's own).</param>
/// <param name="SiloPort">Silo-to-silo port (0: a free one).</param>
/// <param name="GatewayPort">Client port (0: a free one).</param>
public sealed record SiloEndpoints(IPAddress? Address, int SiloPort, int GatewayPort)
{
    /// <summary>The same endpoints with every 0 port replaced by a free one.</summary>
    public SiloEndpoints WithFreePorts() => this with
    {
        SiloPort = SiloPort == 0 ? FreePort(Address) : SiloPort,
        GatewayPort = GatewayPort == 0 ? FreePort(Address) : GatewayPort,
    };

    /// <summary>A TCP port nothing listens on now (the kernel's choice of an ephemeral one).</summary>
    public static int FreePort(IPAddress? address)
    {
        using var listener = new TcpListener(address ?? IPAddress.Any, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An Orleans silo that works on <c>bpf</c> jobs, its membership in Redis.</summary>
public static class ClusterSilo
{
    /// <summary>
    /// Builds (does not start) a silo host joining <paramref name="cluster"/>, running items with the
    /// <see cref="IClusterWork"/> that <paramref name="work"/> makes. Logs go to standard error,
    /// warnings and worse only unless <paramref name="logLevel"/> says otherwise.
    /// </summary>
    public static IHost Build(ClusterAddress cluster, SiloEndpoints endpoints, Func<IServiceProvider, IClusterWork> work, LogLevel logLevel = LogLevel.Warning)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter(level => level >= logLevel);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton(work);
        builder.UseOrleans(silo =>
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = cluster.RedisOptions(TimeSpan.FromSeconds(10)));
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterAddress.ClusterId, ClusterAddress.ClusterId));
            if (endpoints.Address is { } address)
                silo.ConfigureEndpoints(address, endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: false);
            else
                silo.ConfigureEndpoints(endpoints.SiloPort, endpoints.GatewayPort, listenOnAnyHostAddress: true);
            ConfigureWorker(silo);
        });
        return builder.Build();
    }

    /// <summary>
    /// What every silo that runs <c>bpf</c> work needs besides its clustering (shared with the tests'
    /// in-process clusters): the pinned placement, and failure detection fast enough that a dead
    /// silo's items move on within seconds rather than the default tens of seconds.
    /// </summary>
    public static void ConfigureWorker(ISiloBuilder silo)
    {
        silo.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            // A killed silo is declared dead after three missed 3 s probes (about 10 s, against Orleans'
            // default of 15 s and more). Two missed 2 s probes was measured too eager: on this 2-core
            // machine at load 50, starved but live silos declared each other dead while starting.
            o.ProbeTimeout = TimeSpan.FromSeconds(3);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        });
    }
}
