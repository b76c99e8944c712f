using Bpf.Testing;

namespace Bpf.Cluster.Tests;

/// <summary>
/// What cannot run on a cluster is a usage error (exit 2) before any connection is tried: the
/// address names a port nothing listens on, so a test that got past the check would fail with 1.
/// </summary>
public sealed class ClusterUsageTests
{
    private static readonly string s_nowhere = $"redis://127.0.0.1:{SiloEndpoints.FreePort(System.Net.IPAddress.Loopback)}";

    public static TheoryData<string[], string> Refused() => new()
    {
        { ["filter", "-c", "5", "ip"], "-c and printing packets run on one machine" },
        { ["filter", "-n", "ip"], "-c and printing packets run on one machine" },
        { ["filter", "-X", "--count", "ip"], "-c and printing packets run on one machine" },
        { ["filter", "--results", "ip"], "--results prints every packet's verdict" },
        { ["filter", "-w", "-", "ip"], "-w names a directory" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Filter_OneMachineOptions_AreUsageErrors(string[] args, string message)
    {
        var result = Tool.Run(["filter", "--cluster", s_nowhere, "--timeout", "1s", "-r", TestData.Corpus("EN10MB"), .. args[1..]]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutWithoutCluster_IsAUsageError()
    {
        var result = Tool.Run("stats", "--timeout", "1s", "-r", TestData.Corpus("EN10MB"), "ip");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--timeout and --slots go with --cluster", result.Error, StringComparison.Ordinal);
    }
}
