using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Capture.Npcap.Tests;

/// <summary>
/// Two network namespaces of the test's own (<c>bpf18s…</c> sends, <c>bpf18r…</c> receives) joined by a veth
/// pair, IPv6 off so nothing but the test's frames crosses it. Devices are opened on a thread switched into
/// the namespace (setns is per thread); their sockets stay there whichever thread reads them later.
/// Everything is deleted on dispose.
/// </summary>
internal sealed class FloodPair : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    public FloodPair()
    {
        var id = $"{Environment.ProcessId % 0x1000:x3}{Random.Shared.Next(0x1000):x3}";
        SenderNamespace = $"bpf18s{id}";
        ReceiverNamespace = $"bpf18r{id}";
        SenderName = $"bpf18a{id}";
        ReceiverName = $"bpf18b{id}";
        try
        {
            foreach (var ns in new[] { SenderNamespace, ReceiverNamespace })
            {
                Run("ip", "netns", "add", ns);
                Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
            }
            Run("ip", "link", "add", SenderName, "netns", SenderNamespace, "type", "veth", "peer", "name", ReceiverName, "netns", ReceiverNamespace);
            Run("ip", "-n", SenderNamespace, "link", "set", SenderName, "up");
            Run("ip", "-n", ReceiverNamespace, "link", "set", ReceiverName, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string SenderNamespace { get; }
    public string ReceiverNamespace { get; }
    public string SenderName { get; }
    public string ReceiverName { get; }

    /// <summary>Opens the receiving end for capture.</summary>
    public LiveDevice OpenReceiver(LiveCaptureOptions? options = null) => Inside(ReceiverNamespace, () => LiveDevice.Open(ReceiverName, options));

    /// <summary>Opens the sending end (for <see cref="LiveDevice.Send"/>).</summary>
    public LiveDevice OpenSender() => Inside(SenderNamespace, () => LiveDevice.Open(SenderName, new LiveCaptureOptions { Snaplen = 128 }));

    private static T Inside<T>(string ns, Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            using var original = File.OpenHandle("/proc/thread-self/ns/net");
            using var target = File.OpenHandle($"/var/run/netns/{ns}");
            if (setns((int)target.DangerousGetHandle(), CloneNewNet) != 0)
            {
                error = new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
                return;
            }
            try
            {
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                _ = setns((int)original.DangerousGetHandle(), CloneNewNet);
            }
        });
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
            throw new TimeoutException("the namespace thread did not finish");
        if (error is not null)
            throw new InvalidOperationException($"the action inside {ns} failed", error);
        return result!;
    }

    public void Dispose()
    {
        Execute("ip", ["netns", "del", SenderNamespace]);
        Execute("ip", ["netns", "del", ReceiverNamespace]);
    }

    private static void Run(string file, params string[] args)
    {
        var (code, error) = Execute(file, args);
        if (code != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {error}");
    }

    private static (int Code, string Error) Execute(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            return (-1, "timed out");
        }
        return (process.ExitCode, error.Result.Trim());
    }

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
