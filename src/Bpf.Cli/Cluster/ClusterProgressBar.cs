using System.Diagnostics;
using System.Globalization;
using Bpf.Cluster;

namespace Bpf.Cli.Cluster;

/// <summary>
/// The progress of a cluster job on standard error, drawn only on a terminal: files and bytes whose
/// results are in, across every silo, and the rate. Redrawn at most a few times a second.
/// </summary>
internal sealed class ClusterProgressBar : IProgress<ClusterJobProgress>, IDisposable
{
    private static readonly long s_redrawTicks = Stopwatch.Frequency / 5;
    private readonly TextWriter? _writer;
    private readonly Func<long> _clock;
    private readonly long _start;
    private long _lastDraw;
    private bool _drawn;

    public ClusterProgressBar(CliContext context)
        : this(context, Stopwatch.GetTimestamp)
    {
    }

    /// <summary>A bar timed by <paramref name="clock"/> (in <see cref="Stopwatch"/> ticks), for tests.</summary>
    internal ClusterProgressBar(CliContext context, Func<long> clock)
    {
        _writer = context.ErrorIsTerminal ? context.Error : null;
        _clock = clock;
        _start = _lastDraw = clock();
    }

    public void Report(ClusterJobProgress value)
    {
        if (_writer is null)
            return;
        var now = _clock();
        if (now - _lastDraw < s_redrawTicks && value.ItemsDone < value.Items)
            return;
        _lastDraw = now;
        const int width = 24;
        var fraction = value.Bytes > 0 ? Math.Clamp((double)value.BytesDone / value.Bytes, 0, 1) : (double)value.ItemsDone / Math.Max(1, value.Items);
        var filled = (int)(fraction * width);
        var seconds = Math.Max((now - _start) / (double)Stopwatch.Frequency, 1e-9);
        _writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r[{new string('#', filled)}{new string('.', width - filled)}] files {value.ItemsDone}/{value.Items}  {value.BytesDone / 1e6:0.0}/{value.Bytes / 1e6:0.0} MB  {value.BytesDone / seconds / 1e6:0.0} MB/s  {value.Silos} silos "));
        _writer.Flush();
        _drawn = true;
    }

    /// <summary>Clears the bar so the next output starts on a clean line.</summary>
    public void Dispose()
    {
        if (_drawn)
        {
            _writer!.Write("\r" + new string(' ', 100) + "\r");
            _writer.Flush();
        }
    }
}
