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
internal sealed class SiloCommand : ICommand
{
    public string Name => "silo";

    public string Usage => "silo --cluster redis://HOST:PORT [--silo-port P] [--gateway-port G] [--address IP] [--verbose]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["--cluster", "--silo-port", "--gateway-port", "--address"], ["--verbose"]);
        if (reader.Operands.Count > 0)
            throw new UsageException($"unexpected argument '{reader.Operands[0]}'");
        var cluster = ClusterOptions.From(reader) ?? throw new UsageException("expected --cluster redis://HOST:PORT");
        IPAddress? address = null;
        if (reader.Value("--address") is { } text && !IPAddress.TryParse(text, out address))
            throw new UsageException($"option --address: '{text}' is not an IP address");
        // A cluster whose membership is on loopback lives on this machine: silos then talk over loopback too.
        address ??= cluster.Address.IsLoopback ? IPAddress.Loopback : null;
        var endpoints = new SiloEndpoints(address,
            (int)reader.Number("--silo-port", 0, 0, 65535), (int)reader.Number("--gateway-port", 0, 0, 65535)).WithFreePorts();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            stop.Cancel();
        });
        using var host = ClusterSilo.Build(cluster.Address, endpoints, _ => new ClusterWork(),
            reader.Has("--verbose") ? LogLevel.Information : LogLevel.Warning);
        try
        {
            host.StartAsync(stop.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            context.Error.WriteLine($"bpf silo: could not join the cluster at {cluster.Address}: {e.Message.Split('\n')[0]}");
            return Program.ExitInput;
        }
        catch (OperationCanceledException)
        {
            return Program.ExitOk;
        }
        context.Out.WriteLine($"silo {address?.ToString() ?? "*"}:{endpoints.SiloPort} gateway {endpoints.GatewayPort} joined {cluster.Address}");
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
