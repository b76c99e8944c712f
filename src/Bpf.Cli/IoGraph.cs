using System.Globalization;
using System.Runtime.CompilerServices;
using ScottPlot;

namespace Bpf.Cli;

/// <summary>
/// <c>bpf stats --plot</c>: Wireshark's IO graph as a file. One line per filter (packets, or bytes
/// with <c>--plot-bytes</c>, per interval), a legend naming the filters, packet time on the x axis.
/// Drawn with ScottPlot 5 (SkiaSharp underneath), PNG or SVG by the file's extension.
/// </summary>
/// <remarks>
/// Only this class names ScottPlot's types, and its callers reach it through <see cref="Write"/>,
/// which is never inlined: ScottPlot and SkiaSharp (several MB, a native library) load only when a
/// plot is drawn, never on the way of any other run.
/// </remarks>
internal static class IoGraph
{
    /// <summary>Most points a line may have: beyond that, a plot is unreadable and its memory unbounded.</summary>
    public const long MaxBuckets = 1_000_000;

    public const int Width = 1200;

    public const int Height = 600;

    /// <summary>The file formats, by extension.</summary>
    public static readonly string[] Extensions = [".png", ".svg"];

    /// <summary>Whether <paramref name="path"/> names a format we draw; else the message for the user.</summary>
    public static string? CheckPath(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        return Extensions.Contains(extension) ? null : $"--plot {path}: the file name must end in .png or .svg";
    }

    /// <summary>Draws <paramref name="series"/> to <paramref name="path"/> (PNG or SVG by its extension).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="series">One line per filter: its label and one value per bucket.</param>
    /// <param name="bucketStarts">Each bucket's start, UTC.</param>
    /// <param name="yLabel">What the values count, with the interval ("packets per 1 s").</param>
    /// <param name="title">The plot's title (the inputs).</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Write(string path, IReadOnlyList<(string Label, double[] Values)> series, DateTime[] bucketStarts, string yLabel, string title)
    {
        var plot = new Plot();
        var xs = bucketStarts.Select(t => t.ToOADate()).ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < series.Count; i++)
        {
            var line = plot.Add.ScatterLine(xs, series[i].Values);
            line.LegendText = series[i].Label;
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
            // A single bucket would be an invisible line: mark the points then.
            line.MarkerSize = xs.Length == 1 ? 8 : 0;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.XLabel("time (UTC)");
        plot.YLabel(yLabel);
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        // Counts start at zero: a line that never leaves zero stays on the axis, not mid-plot.
        plot.Axes.AutoScale();
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(0, Math.Max(1, limits.Top * 1.05));
        if (Path.GetExtension(path).Equals(".svg", StringComparison.OrdinalIgnoreCase))
            plot.SaveSvg(path, Width, Height);
        else
            plot.SavePng(path, Width, Height);
    }

    /// <summary>"1 s", "500 ms", "2 min", "1 h": the interval as the y label says it.</summary>
    public static string Describe(TimeSpan interval)
    {
        var (value, unit) = interval.TotalSeconds switch
        {
            >= 3600 when interval.TotalSeconds % 3600 == 0 => (interval.TotalHours, "h"),
            >= 60 when interval.TotalSeconds % 60 == 0 => (interval.TotalMinutes, "min"),
            >= 1 => (interval.TotalSeconds, "s"),
            _ => (interval.TotalMilliseconds, "ms"),
        };
        return $"{value.ToString(CultureInfo.InvariantCulture)} {unit}";
    }
}
