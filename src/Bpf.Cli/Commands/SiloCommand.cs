using System.CommandLine;
using System.Net;
using System.Runtime.InteropServices;
using Bpf.Cli.Cluster;
using Bpf.Cluster;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf silo</c>: one Orleans silo of the cluster whose membership lives in the given Redis, doing
/// the files of <c>filter --cluster</c> and <c>stats --cluster</c> jobs until SIGINT or SIGTERM.
/// </summary>
internal sealed class SiloCommand : IVerb
{
    private readonly Option<string?> _cluster = CliOptions.Text("--cluster", "redis://HOST:PORT", "The Redis holding the cluster's membership (every silo and client of one Redis is one cluster).");

    private readonly Option<long> _siloPort = CliOptions.Number("--silo-port", "P", "The TCP port for the other silos (default: a free one).", 0, 0, 65535);

    private readonly Option<long> _gatewayPort = CliOptions.Number("--gateway-port", "G", "The TCP port for clients (default: a free one).", 0, 0, 65535);

    private readonly Option<string?> _address = CliOptions.Text("--address", "IP", "The address the others reach this silo at (default: this host's; 127.0.0.1 when Redis is on loopback).");

    private readonly Option<bool> _verbose = CliOptions.Flag("--verbose", "Log Orleans' informational messages on standard error, not only warnings and errors.");

    public SiloCommand() =>
        Definition = new Command("silo", "Runs one worker (an Orleans silo) of the cluster whose membership is in Redis, until SIGINT or SIGTERM: it does the files of filter/stats --cluster jobs.")
        {
            _cluster, _siloPort, _gatewayPort, _address, _verbose,
        };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var text = parse.GetValue(_cluster) ?? throw new UsageException("expected --cluster redis://HOST:PORT");
        ClusterAddress cluster;
        try
        {
            cluster = ClusterAddress.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
        IPAddress? address = null;
        if (parse.GetValue(_address) is { } given && !IPAddress.TryParse(given, out address))
            throw new UsageException($"option --address: '{given}' is not an IP address");
        // A cluster whose membership is on loopback lives on this machine: its silos talk over loopback too.
        address ??= cluster.IsLoopback ? IPAddress.Loopback : null;
        var endpoints = new SiloEndpoints(address, (int)parse.GetValue(_siloPort), (int)parse.GetValue(_gatewayPort)).WithFreePorts();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        using var host = ClusterSilo.Build(cluster, endpoints, _ => new ClusterWork(),
            parse.GetValue(_verbose) ? LogLevel.Information : LogLevel.Warning);
        try
        {
            host.StartAsync(stop.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Program.ExitOk;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"bpf silo: could not join the cluster at {cluster}: {e.Message.Split('\n')[0]}");
            return Program.ExitInput;
        }
        context.Out.WriteLine($"silo {address?.ToString() ?? "*"}:{endpoints.SiloPort} gateway {endpoints.GatewayPort} joined {cluster}");
        context.Out.Flush();
        stop.Token.WaitHandle.WaitOne();
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            host.StopAsync(grace.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Out of grace: the others notice this silo is gone and redo its files.
        }
        return Program.ExitOk;
    }
}
