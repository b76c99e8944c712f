using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Udpcap.Tests;

/// <summary>
/// A network namespace of the test's own, joined to the host by a veth pair with MTU 1500, removed on dispose.
/// Sockets made by <see cref="CreateSocket"/> live inside it (created on a thread that entered it with setns).
/// </summary>
internal sealed class TestNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private static int s_instances;

    public TestNamespace(string hostAddress, string innerAddress)
    {
        // Unique per process and instance: interface names stay within 15 characters.
        var id = Environment.ProcessId % 10000 * 10 + Interlocked.Increment(ref s_instances) % 10;
        Name = $"udpcap{id}";
        HostInterface = $"ucA{id}";
        HostAddress = hostAddress;
        InnerAddress = innerAddress;
        Run("ip", $"netns add {Name}");
        try
        {
            Run("ip", $"link add {HostInterface} mtu 1500 type veth peer name ucB{id} mtu 1500 netns {Name}");
            Run("ip", $"addr add {hostAddress}/24 dev {HostInterface}");
            Run("ip", $"link set {HostInterface} up");
            Run("ip", $"-n {Name} addr add {innerAddress}/24 dev ucB{id}");
            Run("ip", $"-n {Name} link set ucB{id} up");
            Run("ip", $"-n {Name} link set lo up");
            Run("ip", $"-n {Name} route add 224.0.0.0/4 dev ucB{id}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    public string HostInterface { get; }

    public string HostAddress { get; }

    public string InnerAddress { get; }

    /// <summary>A UDP socket inside the namespace.</summary>
    public Socket CreateSocket()
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{Name}");
                if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(10)))
            throw new TimeoutException("setns thread hung");
        return socket ?? throw new InvalidOperationException("cannot create a socket in the namespace", error);
    }

    public void Dispose()
    {
        RunQuietly("ip", $"link del {HostInterface}");
        RunQuietly("ip", $"netns del {Name}");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    private static void Run(string file, string arguments)
    {
        var (code, error) = Execute(file, arguments);
        if (code != 0)
            throw new InvalidOperationException($"{file} {arguments}: exit {code}: {error}");
    }

    private static void RunQuietly(string file, string arguments) => Execute(file, arguments);

    private static (int Code, string Error) Execute(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            return (-1, "timed out");
        }
        return (process.ExitCode, error);
    }
}
