using System.Xml.Linq;
using Bpf.Testing;
using Bpf.Vm;
using Capture.Pcapfile;
using SkiaSharp;

namespace Bpf.Cli.Tests;

/// <summary>
/// <c>bpf stats --plot</c>: the PNG is decoded (size, not blank, one line colour per filter) and the SVG
/// parsed as XML (one stroke colour per filter, the legend, the y label); stdout stays what it is
/// without the plot.
/// </summary>
public class IoGraphTests
{
    /// <summary>
    /// The Ethernet corpus's real packets re-timed over <paramref name="seconds"/> seconds (the corpus's
    /// own times span decades), so a 5 s interval has a few points per line.
    /// </summary>
    private static CliRunner.TempFile Retimed(int seconds)
    {
        var file = CliRunner.Temp("", ".pcap");
        using var reader = CaptureFileReader.Open(TestData.Corpus("EN10MB"));
        var packets = new List<(byte[] Data, uint Wire)>();
        while (reader.TryReadPacket(out var packet))
            packets.Add((packet.Data.ToArray(), packet.WireLength));
        using var writer = CaptureFileWriter.Create(file.Path, CaptureFileFormat.Pcap, LinkType.EN10MB);
        var start = 1_700_000_000L * 1_000_000_000;
        var step = seconds * 1_000_000_000L / packets.Count;
        for (var i = 0; i < packets.Count; i++)
            writer.Write(packets[i].Data, packets[i].Wire, start + (i * step), LinkType.EN10MB);
        return file;
    }

    private static readonly string[] s_filters = ["tcp", "udp", "arp", "ip6"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Png_HasTheSize_IsNotBlank_AndOneLineColourPerFilter(int filterCount)
    {
        using var capture = Retimed(60);
        using var png = CliRunner.Temp("", ".png");
        var filters = s_filters[..filterCount];
        var result = CliRunner.Run(["stats", "-r", capture.Path, "--interval", "5s", "--plot", png.Path, .. filters]);
        Assert.Equal("", result.Error);
        Assert.Equal(0, result.ExitCode);

        using var bitmap = SKBitmap.Decode(png.Path);
        Assert.NotNull(bitmap);
        Assert.Equal((1200, 600), (bitmap.Width, bitmap.Height));
        var pixels = bitmap.Pixels;
        var notWhite = pixels.Count(p => p.Red < 250 || p.Green < 250 || p.Blue < 250);
        Assert.True(notWhite > pixels.Length / 100, $"only {notWhite} of {pixels.Length} pixels are drawn");
        Assert.Equal(filterCount, LineColours(pixels).Count);
    }

    /// <summary>
    /// Strongly coloured pixels grouped by exact colour, keeping the colours of many pixels: the
    /// lines and their legend swatches. Axes, grid and text are grey; antialiased edges are blends
    /// of few pixels each.
    /// </summary>
    internal static Dictionary<SKColor, int> LineColours(SKColor[] pixels)
    {
        var counts = new Dictionary<SKColor, int>();
        foreach (var p in pixels)
        {
            var max = Math.Max(p.Red, Math.Max(p.Green, p.Blue));
            var min = Math.Min(p.Red, Math.Min(p.Green, p.Blue));
            if (max - min < 80)
                continue;
            counts[p] = counts.GetValueOrDefault(p) + 1;
        }
        return counts.Where(c => c.Value >= 200).ToDictionary();
    }

    [Fact]
    public void Svg_Parses_WithOneStrokeColourPerFilter_TheLegend_AndTheYLabel()
    {
        using var capture = Retimed(60);
        using var svg = CliRunner.Temp("", ".svg");
        var result = CliRunner.Run(["stats", "-r", capture.Path, "--interval", "5s", "--plot", svg.Path, "--plot-bytes", .. s_filters]);
        Assert.Equal(0, result.ExitCode);

        var document = XDocument.Load(svg.Path);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", document.Root!.Name);
        var texts = document.Descendants(ns + "text").Select(t => t.Value.Trim()).ToList();
        foreach (var filter in s_filters)
            Assert.Contains(filter, texts);
        Assert.Contains("bytes per 5 s", texts);
        Assert.Contains("time (UTC)", texts);
        // Lines are stroked paths; grid, frame and ticks are grey.
        var colours = document.Descendants().Select(e => (string?)e.Attribute("stroke")).OfType<string>()
            .Select(s => s.ToUpperInvariant()).Where(IsColourful).ToHashSet();
        Assert.Equal(s_filters.Length, colours.Count);
    }

    private static bool IsColourful(string colour)
    {
        if (colour.Length < 7 || colour[0] != '#')
            return false;
        var rgb = Enumerable.Range(0, 3).Select(i => Convert.ToInt32(colour.Substring(1 + (2 * i), 2), 16)).ToArray();
        return rgb.Max() - rgb.Min() >= 80;
    }

    [Fact]
    public void Plot_LeavesStandardOutputAsWithout()
    {
        using var capture = Retimed(60);
        using var png = CliRunner.Temp("", ".png");
        foreach (var format in new[] { "table", "csv", "json" })
        {
            var plain = CliRunner.Run(["stats", "-r", capture.Path, "--interval", "5s", "--format", format, .. s_filters]);
            var plotted = CliRunner.Run(["stats", "-r", capture.Path, "--interval", "5s", "--format", format, "--plot", png.Path, .. s_filters]);
            Assert.Equal(plain, plotted);
        }
    }

    [Theory]
    [InlineData("--plot", "X.png")]
    [InlineData("--interval", "1s", "--plot", "X.jpg")]
    [InlineData("--interval", "1s", "--plot-bytes")]
    public void PlotMisuse_IsAUsageError(params string[] options)
    {
        var result = CliRunner.Run(["stats", "-r", TestData.Corpus("EN10MB"), .. options.Select(o => o.Replace("X", Path.GetTempPath() + "bpf-plot")), "tcp"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--plot", result.Error.Split('\n')[0]);
    }

    [Fact]
    public void TooManyPoints_IsOneLine_ExitOne()
    {
        // The corpus's packets span decades: one point a second would be billions.
        using var png = CliRunner.Temp("", ".png");
        var result = CliRunner.Run("stats", "-r", TestData.Corpus("EN10MB"), "--interval", "1s", "--format", "csv", "--plot", png.Path, "tcp");
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.Contains("take a longer interval", result.Error);
    }
}
