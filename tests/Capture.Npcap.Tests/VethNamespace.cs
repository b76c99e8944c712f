using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Capture.Npcap.Tests;

/// <summary>
/// A network namespace of the test's own with a veth pair: <see cref="OuterName"/> stays in the
/// test's namespace, <see cref="InnerName"/> lives in the new one. Frames sent on one end arrive only
/// on the other, so the traffic never leaves the pair. Everything is removed on dispose.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    public VethNamespace()
    {
        // Unique per run and short enough for IFNAMSIZ (15 characters).
        var id = $"{Environment.ProcessId % 0x10000:x4}{Random.Shared.Next(0x10000):x4}";
        Namespace = $"bpflive-{id}";
        OuterName = $"bpo{id}";
        InnerName = $"bpi{id}";
        Run("ip", "netns", "add", Namespace);
        try
        {
            Run("ip", "link", "add", OuterName, "type", "veth", "peer", "name", InnerName, "netns", Namespace);
            Run("ip", "link", "set", OuterName, "up");
            Run("ip", "netns", "exec", Namespace, "ip", "link", "set", InnerName, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Namespace { get; }
    public string OuterName { get; }
    public string InnerName { get; }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread switched into the namespace (setns applies per thread).
    /// Sockets created there stay in the namespace whichever thread uses them later.
    /// </summary>
    public T RunInside<T>(Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            using var original = File.OpenHandle("/proc/thread-self/ns/net");
            using var target = File.OpenHandle($"/var/run/netns/{Namespace}");
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
                // Leave the thread where it came from before the runtime reuses or ends it.
                _ = setns((int)original.DangerousGetHandle(), CloneNewNet);
            }
        });
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
            throw new TimeoutException("the namespace thread did not finish");
        if (error is not null)
            throw new InvalidOperationException("the action inside the namespace failed", error);
        return result!;
    }

    public void Dispose()
    {
        // Deleting the namespace destroys the inner end, and with it the whole veth pair.
        TryRun("ip", "netns", "del", Namespace);
        TryRun("ip", "link", "del", OuterName);
    }

    private static void Run(string file, params string[] args)
    {
        var (code, error) = Execute(file, args);
        if (code != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {error}");
    }

    private static void TryRun(string file, params string[] args) => _ = Execute(file, args);

    private static (int Code, string Error) Execute(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            return (-1, "timed out");
        }
        return (process.ExitCode, error.Trim());
    }

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int setns(int fd, int nstype);
}
