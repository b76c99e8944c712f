using System.Diagnostics;

namespace Bpf.Cluster.Tests;

/// <summary>Faults with real processes: a silo SIGKILLed mid-job, no silo at all, SIGTERM.</summary>
public sealed class ClusterFaultTests
{
    [RedisFact]
    public async Task SiloKilledMidJob_OutputStillExactAndComplete()
    {
        using var cluster = new LocalCluster(3);
        using var set = new CaptureSet(ethernetCopies: 16);
        var outputs = set.NewFolder("out");
        var job = Task.Run(() => Tool.Run("filter", "--cluster", cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "-w", outputs, "--count", "len > 100"));
        // Once the first output is in, every silo has files in hand and more are queued: kill one.
        var watch = Stopwatch.StartNew();
        while (Directory.GetFiles(outputs, "*.pcap").Length == 0 && !job.IsCompleted && watch.Elapsed < TimeSpan.FromMinutes(3))
            await Task.Delay(20);
        Assert.False(job.IsCompleted, "the job ended before a silo could be killed: make it longer");
        cluster.Silos[1].Kill();
        var result = await job.WaitAsync(TimeSpan.FromMinutes(5));

        var local = Tool.Run("filter", "-r", set.Glob, "--count", "len > 100");
        Assert.Equal((0, local.Out, ""), (result.ExitCode, result.Out, result.Error));
        foreach (var input in set.Files)
        {
            var expected = Path.Combine(set.Directory, "expected.pcap");
            Tool.Run("filter", "-r", input, "-w", expected, "len > 100");
            var written = Path.Combine(outputs, Path.GetFileName(input));
            Assert.Equal(File.Exists(expected), File.Exists(written));
            if (File.Exists(expected))
                Assert.True(File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(written)), $"{written} differs from the local output");
            File.Delete(expected);
        }
        Assert.True(cluster.Silos[0].HasExited is false && cluster.Silos[2].HasExited is false);
    }

    [RedisFact]
    public void NoSilo_ClearMessageExitOneWithinTimeout()
    {
        using var redis = new RedisServer();
        using var set = new CaptureSet(ethernetCopies: 0);
        var watch = Stopwatch.StartNew();
        var result = Tool.Run("stats", "--cluster", redis.Address, "--timeout", "3s", "-r", set.Glob, "len > 100");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.StartsWith($"bpf stats: no silo of the cluster at {redis.Address}", result.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"gave up after {watch.Elapsed}");
    }

    [RedisFact]
    public void NoMembershipStore_ClearMessageExitOne()
    {
        var port = SiloEndpoints.FreePort(System.Net.IPAddress.Loopback);
        var result = Tool.Run("filter", "--cluster", $"redis://127.0.0.1:{port}", "--timeout", "2s", "-r", global::Bpf.Testing.TestData.Corpus("EN10MB"), "--count", "ip");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"bpf filter: no silo of the cluster at redis://127.0.0.1:{port}", result.Error);
    }

    [RedisFact]
    public async Task Silo_SigtermStopsItCleanly()
    {
        using var redis = new RedisServer();
        using var silo = new SiloProcess(redis.Address);
        await silo.Joined(TimeSpan.FromMinutes(3));

        Assert.Equal(0, silo.Terminate(TimeSpan.FromSeconds(30)));
    }
}
