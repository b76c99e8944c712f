using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class BenchCommandTests
{
    [LibpcapFact]
    public void Bench_AllEngines_OneExactLineEach_SameAcceptedCount()
    {
        var result = CliRunner.Run("bench", "-r", TestData.Corpus("PPP"), "--seconds", "0.05", "--engine", "all", "ip");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(["interp", "jit", "libpcap"], lines.Select(l => l.Split(' ')[1]));
        Assert.All(lines, l => Assert.Matches(@"^engine \w+ ns_per_packet \d+\.\d\d packets \d+ accepted \d+$", l));
        Assert.Single(lines.Select(l => l.Split(' ')[^1]).Distinct());
    }
}
