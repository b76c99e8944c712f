using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class UsageTests
{
    [Fact]
    public void NoArguments_PrintsUsage_ExitsTwo()
    {
        var result = CliRunner.Run();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bpf filter", result.Error);
    }

    [Fact]
    public void UnknownVerb_ExitsTwo()
    {
        var result = CliRunner.Run("frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown verb 'frobnicate'", result.Error);
    }

    [Theory]
    [InlineData("filter", "--bogus")]
    [InlineData("filter", "udp")]
    [InlineData("dump", "-d")]
    [InlineData("dump", "-d", "-dd", "x")]
    [InlineData("validate", "--profile", "bsd", "x")]
    [InlineData("compile")]
    [InlineData("compile", "-s", "abc", "ip")]
    [InlineData("compile", "--batch", "ip")]
    [InlineData("filter", "-r")]
    public void BadArguments_ExitTwo_WithUsageLine(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: bpf " + args[0], result.Error);
    }

    [Fact]
    public void MissingInputFile_ExitsOne_NamingTheFile()
    {
        var result = CliRunner.Run("filter", "-r", "/nonexistent/x.pcap", "ip");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/x.pcap", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }
}
