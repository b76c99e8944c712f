using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bpf.Cluster.Tests;

/// <summary>Skipped, with the reason, unless <c>redis-server</c> (Debian's package) is installed.</summary>
internal sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisServer.Executable is null)
            Skip = "redis-server is not installed (apt-get install redis-server): the cluster's membership store is missing";
    }
}

/// <summary>A throwaway <c>redis-server</c> on a free loopback port, killed on dispose.</summary>
internal sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    public static string? Executable { get; } =
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public RedisServer()
    {
        Port = SiloEndpoints.FreePort(IPAddress.Loopback);
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("no redis-server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }

    public int Port { get; }

    public string Address => $"redis://127.0.0.1:{Port}";

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}

/// <summary>A <c>bpf silo</c> process (the tool built with the tests), killed on dispose if still running.</summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _errors = new();

    public SiloProcess(string cluster)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "bpf.dll"), "silo", "--cluster", cluster })
            start.ArgumentList.Add(arg);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.Contains(" joined ", StringComparison.Ordinal))
                _joined.TrySetResult(line);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
                _errors.AppendLine(e.Data);
        };
        _process.Exited += (_, _) => _joined.TrySetException(new InvalidOperationException($"bpf silo exited: {Errors}"));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Errors
    {
        get
        {
            lock (_errors)
                return _errors.ToString();
        }
    }

    /// <summary>Waits until the silo says it joined the cluster.</summary>
    public Task Joined(TimeSpan timeout) => _joined.Task.WaitAsync(timeout);

    /// <summary>SIGKILL: the silo gets no chance to leave the cluster.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM; returns the exit code once it has stopped.</summary>
    public int Terminate(TimeSpan timeout)
    {
        if (kill(_process.Id, 15) != 0)
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: {Marshal.GetLastPInvokeError()}");
        if (!_process.WaitForExit(timeout))
            throw new TimeoutException($"bpf silo did not stop within {timeout} of SIGTERM");
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

/// <summary>Redis plus <c>bpf silo</c> processes on loopback; everything started is stopped on dispose.</summary>
internal sealed class LocalCluster : IDisposable
{
    private readonly List<SiloProcess> _silos = [];

    public LocalCluster(int silos)
    {
        Redis = new RedisServer();
        try
        {
            for (var i = 0; i < silos; i++)
                _silos.Add(new SiloProcess(Redis.Address));
            // Silos start slowly on a loaded machine: they start together, and are given long enough.
            Task.WaitAll([.. _silos.Select(s => s.Joined(TimeSpan.FromMinutes(5)))]);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public RedisServer Redis { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public string Address => Redis.Address;

    public void Dispose()
    {
        foreach (var silo in _silos)
            silo.Dispose();
        Redis.Dispose();
    }
}
