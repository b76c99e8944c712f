using System.Diagnostics;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class ProgressBarTests
{
    private static CliContext Context(StringWriter error, bool terminal) =>
        new(new StringWriter(), error, new StringReader(""), terminal);

    [Fact]
    public void Terminal_LongRun_DrawsPercentAndThroughput_ThenClearsTheLine()
    {
        var error = new StringWriter();
        long now = 0;
        using (var bar = new ProgressBar(Context(error, terminal: true), totalBytes: 1_000_000, () => now))
        {
            bar.Report(100_000, 10);                     // too early: nothing yet
            Assert.Equal("", error.ToString());
            now = Stopwatch.Frequency;                   // one second in
            bar.Report(500_000, 1_000);
            Assert.Contains("50.0%", error.ToString());
            Assert.Contains("0.5 MB/s", error.ToString());
            Assert.Contains("Mpkt/s", error.ToString());
            var drawn = error.ToString().Length;
            bar.Report(600_000, 1_100);                  // within the redraw interval: not redrawn
            Assert.Equal(drawn, error.ToString().Length);
        }
        Assert.EndsWith("\r", error.ToString());
    }

    [Fact]
    public void NotATerminal_NeverDraws()
    {
        var error = new StringWriter();
        long now = 0;
        using (var bar = new ProgressBar(Context(error, terminal: false), totalBytes: 1_000_000, () => now))
        {
            now = 10 * Stopwatch.Frequency;
            bar.Report(500_000, 1_000);
        }
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void Filter_RedirectedStderr_NoBar()
    {
        var result = CliRunner.Run("filter", "-r", Bpf.Testing.TestData.Corpus("EN10MB"), "--count", "udp");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
    }
}
