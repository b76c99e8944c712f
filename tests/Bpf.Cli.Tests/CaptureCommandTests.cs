using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
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
        AssertCounters(stderr.ToString(), captured: 3);
    }

    [RootTheory]
    [InlineData("pcap")]
    [InlineData("pcapng")]
    public void Capture_CtrlC_StopsCleanly_PrintsTheCounters_LeavesAValidFile(string format)
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var file = CliRunner.Temp(extension: "." + format);
        using var cancel = new CancellationTokenSource();
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(TextWriter.Null, TextWriter.Synchronized(stderr), TextReader.Null, false) { Cancellation = cancel.Token };
        var capture = Task.Run(() => Program.Run(["capture", "-i", "lo", "-w", file.Path, "--format", format, $"udp dst port {port}"], context));
        WaitFor(() => stderr.ToString().Contains("listening on lo", StringComparison.Ordinal), capture);
        SendSome(port);

        cancel.Cancel(); // what Ctrl-C does (Program.Main)

        Assert.True(capture.Wait(TimeSpan.FromSeconds(10)), "capture did not stop after Ctrl-C");
        Assert.Equal(0, capture.Result);
        AssertCounters(stderr.ToString(), PacketsIn(file.Path, port));
    }

    // SIGINT is what Ctrl-C sends the process (Program.Main registers for it, not Console.CancelKeyPress).
    [RootTheory]
    [InlineData(SigTerm)]
    [InlineData(SigInt)]
    public void Capture_SigtermOrSigint_StopsCleanly_PrintsTheCounters_LeavesAValidFile(int signal)
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port;
        using var file = CliRunner.Temp(extension: ".pcap");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { typeof(Program).Assembly.Location, "capture", "-i", "lo", "-w", file.Path, $"udp dst port {port}" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        try
        {
            WaitFor(() => { lock (stderr) return stderr.ToString().Contains("listening on lo", StringComparison.Ordinal); }, null);
            SendSome(port);
            Assert.Equal(0, kill(process.Id, signal));
            Assert.True(process.WaitForExit(10_000), $"capture did not stop after signal {signal}");
            process.WaitForExit(); // the asynchronous reads finish
            Assert.Equal(0, process.ExitCode);
            string text;
            lock (stderr)
                text = stderr.ToString().Replace("\r", "", StringComparison.Ordinal);
            AssertCounters(text, PacketsIn(file.Path, port));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }
    }

    private const int SigTerm = 15;
    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>tcpdump's four closing lines, the captured count as given.</summary>
    private static void AssertCounters(string stderr, long captured)
    {
        var lines = stderr.Split('\n');
        Assert.Contains($"{captured} packet{(captured == 1 ? "" : "s")} captured", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d+ packets? received by filter$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d+ packets? dropped by kernel$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\d+ packets? dropped by interface$"));
    }

    /// <summary>Waits (at most 20 s) until <paramref name="ready"/>; fails early if <paramref name="task"/> ended.</summary>
    private static void WaitFor(Func<bool> ready, Task? task)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!ready())
        {
            Assert.True(task?.IsCompleted != true, "the capture ended early");
            Assert.True(DateTime.UtcNow < deadline, "the capture did not start listening");
            Thread.Sleep(20);
        }
    }

    private static void SendSome(int port)
    {
        using var sender = new UdpClient();
        for (var i = 0; i < 5; i++)
            sender.Send(new byte[] { 7, 7, (byte)i }, 3, new IPEndPoint(IPAddress.Loopback, port));
        Thread.Sleep(300); // a buffered capture delivers within its 100 ms read timeout
    }

    /// <summary>
    /// The packets of a file <c>capture -w</c> wrote, counted by our reader and, where tcpdump is
    /// installed, checked to be what tcpdump reads too: every packet, each a UDP datagram to
    /// <paramref name="port"/> (tcpdump exits non-zero on a file it cannot read to the end).
    /// </summary>
    private static long PacketsIn(string path, int port)
    {
        long count = 0;
        using (var reader = Capture.Pcapfile.CaptureFileReader.Open(path))
        {
            while (reader.TryReadPacket(out _))
                count++;
        }
        if (Tcpdump.UnavailableReason is null)
        {
            var lines = Tcpdump.Run("-n", "-r", path).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(count, lines.Length);
            Assert.All(lines, l => Assert.Contains($" > 127.0.0.1.{port}: UDP, length 3", l, StringComparison.Ordinal));
        }
        return count;
    }

    [Fact]
    public void Capture_NoSuchDevice_ExitsOne()
    {
        var result = CliRunner.Run("capture", "-i", "nosuchdev0", "-c", "1");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("nosuchdev0", result.Error);
    }
}
