using System.Net;
using System.Net.Sockets;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class CaptureCommandTests
{
    [RootFact]
    public void Capture_Loopback_PrintsOneLinePerMatchingDatagram()
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var other = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var otherPort = ((IPEndPoint)other.Client.LocalEndPoint!).Port;
        using var sender = new UdpClient();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(TextWriter.Synchronized(stdout), stderr, TextReader.Null, false) { Cancellation = cancel.Token };
        var capture = Task.Run(() => Program.Run(["capture", "-i", "lo", "-c", "3", $"udp dst port {port}"], context));

        // The capture needs a moment before it sees traffic: keep sending (bounded) until it has three.
        for (var i = 0; i < 200 && !capture.IsCompleted; i++)
        {
            sender.Send(new byte[] { 1, 2, 3, 4, 5 }, 5, new IPEndPoint(IPAddress.Loopback, otherPort));
            sender.Send(new byte[] { 9, 9, 9 }, 3, new IPEndPoint(IPAddress.Loopback, port));
            capture.Wait(50);
        }

        Assert.True(capture.Wait(TimeSpan.FromSeconds(10)), "capture did not stop after -c 3");
        Assert.Equal(0, capture.Result);
        var lines = stdout.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches($@"^\d\d:\d\d:\d\d\.\d{{6}} IP 127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.{port}: UDP, length 3$", l));
        Assert.Contains("filter", stderr.ToString());
    }

    [Fact]
    public void Capture_NoSuchDevice_ExitsOne()
    {
        var result = CliRunner.Run("capture", "-i", "nosuchdev0", "-c", "1");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nosuchdev0", result.Error);
    }
}
