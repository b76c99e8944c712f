using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Bpf.Testing;

/// <summary>
/// A veth pair of the test's own for live tests (root only): end B lives in a new network namespace; end A
/// either in a second one (<see cref="VethPair(string, bool, int)"/> with <c>hostEnd: false</c>, so nothing but
/// the test's frames crosses the pair) or in the test's own namespace. IPv6 is off on both ends (no router
/// solicitations or MLD reports join the test's traffic), loopback is up in the new namespaces, and
/// everything is deleted on dispose. Sockets and capture handles are made on a thread switched into a
/// namespace (<see cref="Inside{T}"/>; setns applies per thread) and stay there whichever thread uses them later.
/// </summary>
internal sealed class VethPair : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private static int s_instances;

    /// <summary>Creates the namespaces and the pair.</summary>
    /// <param name="prefix">Up to 6 characters naming the test's objects (<c>bpf18</c>: namespaces <c>bpf18s…</c>, <c>bpf18r…</c>).</param>
    /// <param name="hostEnd">End A stays in the test's namespace instead of a namespace of its own.</param>
    /// <param name="mtu">Both ends' MTU (1500: the kernel fragments larger datagrams for real).</param>
    public VethPair(string prefix, bool hostEnd = false, int mtu = 1500)
    {
        if (prefix.Length > 6)
            throw new ArgumentException("at most 6 characters: interface names stay within IFNAMSIZ", nameof(prefix));
        // Unique per process and instance, 6 hex digits.
        var id = $"{Environment.ProcessId % 0x1000:x3}{Interlocked.Increment(ref s_instances) % 0x1000:x3}";
        NamespaceA = hostEnd ? null : $"{prefix}s{id}";
        NamespaceB = $"{prefix}r{id}";
        NameA = $"{prefix}a{id}";
        NameB = $"{prefix}b{id}";
        try
        {
            foreach (var ns in new[] { NamespaceA, NamespaceB }.OfType<string>())
            {
                Run("ip", "netns", "add", ns);
                Run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
                Run("ip", "-n", ns, "link", "set", "lo", "up");
            }
            var mtuText = mtu.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Run("ip", [.. Where(NamespaceA), "link", "add", NameA, "mtu", mtuText, "type", "veth", "peer", "name", NameB, "mtu", mtuText, "netns", NamespaceB]);
            if (NamespaceA is null)
                Run("sysctl", "-qw", $"net.ipv6.conf.{NameA}.disable_ipv6=1");
            Run("ip", [.. Where(NamespaceA), "link", "set", NameA, "up"]);
            Run("ip", "-n", NamespaceB, "link", "set", NameB, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>End A's namespace, or null when it is the test's own.</summary>
    public string? NamespaceA { get; }

    /// <summary>End B's namespace.</summary>
    public string NamespaceB { get; }

    /// <summary>End A's interface name.</summary>
    public string NameA { get; }

    /// <summary>End B's interface name.</summary>
    public string NameB { get; }

    /// <summary>Gives end A (or B) an IPv4 address, e.g. <c>10.18.0.1/24</c>.</summary>
    public void AddAddress(bool endA, string cidr) =>
        Run("ip", [.. Where(endA ? NamespaceA : NamespaceB), "addr", "add", cidr, "dev", endA ? NameA : NameB]);

    /// <summary>Runs <c>ip ARGS</c> inside <paramref name="ns"/> (null: the test's namespace).</summary>
    public void Ip(string? ns, params string[] args) => Run("ip", [.. Where(ns), .. args]);

    /// <summary>Runs <paramref name="action"/> on a thread inside end A's namespace.</summary>
    public T InsideA<T>(Func<T> action) => Inside(NamespaceA, action);

    /// <summary>Runs <paramref name="action"/> on a thread inside end B's namespace.</summary>
    public T InsideB<T>(Func<T> action) => Inside(NamespaceB, action);

    /// <summary>Runs <paramref name="action"/> on a thread switched into <paramref name="ns"/> (null: right here).</summary>
    public static T Inside<T>(string? ns, Func<T> action)
    {
        if (ns is null)
            return action();
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
                // Leave the thread where it came from before the runtime reuses or ends it.
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
        // Deleting a namespace destroys the end inside it, and with it the whole pair.
        foreach (var ns in new[] { NamespaceA, NamespaceB }.OfType<string>())
            _ = Execute("ip", ["netns", "del", ns]);
        if (NamespaceA is null)
            _ = Execute("ip", ["link", "del", NameA]);
    }

    private static string[] Where(string? ns) => ns is null ? [] : ["-n", ns];

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
