namespace Bpf.Cluster.Tests;

/// <summary>Redis and three <c>bpf silo</c> processes, shared by the end-to-end tests of one class.</summary>
public sealed class ThreeSilos : IDisposable
{
    /// <summary>
    /// The --timeout of the tests' cluster runs: generous, because a client's first connection
    /// (Orleans' code compiled on first use) takes seconds on a machine busy with other builds.
    /// </summary>
    public const string Timeout = "120s";

    private readonly Lazy<LocalCluster> _cluster = new(() => new LocalCluster(3));

    internal LocalCluster Cluster => _cluster.Value;

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
            _cluster.Value.Dispose();
    }
}

/// <summary>
/// <c>--cluster</c> runs against real silo processes and a real Redis on loopback, compared with the
/// local run of the same command: standard output byte for byte, exit status, and each -w output.
/// </summary>
public sealed class ClusterEndToEndTests(ThreeSilos silos) : IClassFixture<ThreeSilos>
{
    // Every link type of the corpus compiles these (length tests need no link-layer knowledge).
    private static readonly string[] s_anyLink = ["len > 100", "greater 500", "less 64"];

    [RedisFact]
    public void Stats_ManyFilesAndLinkTypes_SameOutputAsLocal()
    {
        using var set = new CaptureSet(ethernetCopies: 4);
        foreach (var options in new[] { new string[0], ["--format", "csv", "--interval", "1h"], ["--format", "json", "--interval", "10m"] })
        {
            var local = Tool.Run(["stats", "-r", set.Glob, .. options, .. s_anyLink]);
            var cluster = Tool.Run(["stats", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, .. options, .. s_anyLink]);

            Assert.Equal(0, local.ExitCode);
            Assert.Equal((local.ExitCode, local.Out, ""), (cluster.ExitCode, cluster.Out, cluster.Error));
        }
    }

    [RedisFact]
    public void Stats_ProtocolFilters_SameOutputAsLocal()
    {
        using var set = new CaptureSet(ethernetCopies: 2);
        var inputs = new[] { "EN10MB", "LINUX_SLL", "RAW", "NULL", "IPV4", "EN10MB-copy00", "EN10MB-copy01" }
            .SelectMany(n => new[] { "-r", Path.Combine(set.Directory, n + ".pcap") }).ToArray();
        string[] filters = ["ip", "tcp port 80", "udp", "icmp", "tcp[tcpflags] & tcp-syn != 0"];
        var local = Tool.Run(["stats", .. inputs, "--interval", "1m", .. filters]);
        var cluster = Tool.Run(["stats", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, .. inputs, "--interval", "1m", .. filters]);

        Assert.Equal(0, local.ExitCode);
        Assert.Equal((local.ExitCode, local.Out), (cluster.ExitCode, cluster.Out));
    }

    [RedisFact]
    public void FilterCount_SameAsLocal()
    {
        using var set = new CaptureSet(ethernetCopies: 4);
        var local = Tool.Run("filter", "-r", set.Glob, "--count", "len > 100");
        var cluster = Tool.Run("filter", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "--count", "len > 100");

        Assert.Equal((0, local.Out), (cluster.ExitCode, cluster.Out));
        Assert.NotEqual("0\n", local.Out);
    }

    [RedisFact]
    public void FilterWrite_OneOutputPerInput_EachByteIdenticalToLocal()
    {
        using var set = new CaptureSet(ethernetCopies: 2);
        var outputs = set.NewFolder("out");
        var cluster = Tool.Run("filter", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "-w", outputs, "--format", "pcapng", "--count", "greater 200");

        Assert.Equal(0, cluster.ExitCode);
        long accepted = 0;
        foreach (var input in set.Files)
        {
            var expected = Path.Combine(set.Directory, "expected.pcapng");
            var local = Tool.Run("filter", "-r", input, "-w", expected, "--format", "pcapng", "--count", "greater 200");
            accepted += long.Parse(local.Out);
            var written = Path.Combine(outputs, Path.GetFileName(input));
            Assert.Equal(File.Exists(expected), File.Exists(written));
            if (File.Exists(expected))
                Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(written));
            File.Delete(expected);
        }
        Assert.Equal($"{accepted}\n", cluster.Out);
        // Only the outputs: no partial file left behind.
        Assert.Empty(Directory.GetFiles(outputs, "*.part"));
    }

    [RedisFact]
    public void DamagedFile_ReportedAsLocally_ExitOne()
    {
        using var set = new CaptureSet(ethernetCopies: 3, damage: dir =>
        {
            // Cut one Ethernet copy in the middle of a record: readable up to there.
            var victim = Path.Combine(dir, "EN10MB-copy01.pcap");
            var bytes = File.ReadAllBytes(victim);
            File.WriteAllBytes(victim, bytes[..(bytes.Length / 2 + 7)]);
        });
        var local = Tool.Run(["stats", "-r", set.Glob, .. s_anyLink]);
        var cluster = Tool.Run(["stats", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, .. s_anyLink]);

        Assert.Equal(1, local.ExitCode);
        Assert.Contains("EN10MB-copy01.pcap", local.Error);
        Assert.Equal(local, cluster);

        var localCount = Tool.Run("filter", "-r", set.Glob, "--count", "less 64");
        var clusterCount = Tool.Run("filter", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "--count", "less 64");
        Assert.Equal(localCount, clusterCount);
    }

    [RedisFact]
    public void NotACapture_ReportedAsLocally_NothingPrinted()
    {
        using var set = new CaptureSet(ethernetCopies: 1, damage: dir => File.WriteAllText(Path.Combine(dir, "IPV6.pcap"), "not a capture at all\n"));
        var local = Tool.Run("filter", "-r", set.Glob, "--count", "len > 100");
        var cluster = Tool.Run("filter", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "--count", "len > 100");

        Assert.Equal(1, local.ExitCode);
        Assert.Equal(local, cluster);
    }

    [RedisFact]
    public void ExpressionNotForALinkType_ReportedAsLocally()
    {
        using var set = new CaptureSet(ethernetCopies: 1);
        var local = Tool.Run("stats", "-r", set.Glob, "ip");
        var cluster = Tool.Run("stats", "--cluster", silos.Cluster.Address, "--timeout", ThreeSilos.Timeout, "-r", set.Glob, "ip");

        Assert.Equal(1, local.ExitCode);
        Assert.Equal(local, cluster);
    }
}
