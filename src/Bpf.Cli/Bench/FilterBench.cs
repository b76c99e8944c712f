using System.Diagnostics;

using Bpf.Vm;

namespace Bpf.Cli.Bench;

/// <summary>
/// Times a filter over packets already in memory: a short warm-up (so tiered code reaches its final
/// tier), one counting pass, then whole passes over the packets until the duration has elapsed.
/// </summary>
internal static class FilterBench
{
    // Look at the clock only every this many runs, so reading it does not show in tiny inputs.
    private const int RunsBetweenClockReads = 4096;

    /// <summary>Runs <paramref name="filter"/> over <paramref name="packets"/> for about <paramref name="duration"/>.</summary>
    /// <param name="packets">The captured bytes of each packet.</param>
    /// <param name="wireLengths">The wire length of each packet (same count as <paramref name="packets"/>).</param>
    /// <param name="filter">The compiled filter (any engine).</param>
    /// <param name="duration">How long the timed loop should run; at least one pass always runs.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No packets, or the counts differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static BenchResult Run(IReadOnlyList<byte[]> packets, IReadOnlyList<uint> wireLengths, BpfFilterDelegate filter, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(packets);
        ArgumentNullException.ThrowIfNull(wireLengths);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (packets.Count == 0)
            throw new ArgumentException("no packets to run the filter on", nameof(packets));
        if (packets.Count != wireLengths.Count)
            throw new ArgumentException($"{packets.Count} packets but {wireLengths.Count} wire lengths", nameof(wireLengths));

        // Arrays, not the interfaces, inside the loop: the loop should cost nothing but the filter.
        var data = packets.ToArray();
        var wire = wireLengths.ToArray();
        var passesPerCheck = Math.Max(1, RunsBetweenClockReads / data.Length);

        var warmUp = Stopwatch.StartNew();
        var warmUpLimit = TimeSpan.FromTicks(Math.Min(duration.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks));
        do
            Pass(data, wire, filter);
        while (warmUp.Elapsed < warmUpLimit);

        var accepted = Pass(data, wire, filter);
        long passes = 0;
        var timer = Stopwatch.StartNew();
        do
        {
            for (var i = 0; i < passesPerCheck; i++)
                Pass(data, wire, filter);
            passes += passesPerCheck;
        }
        while (timer.Elapsed < duration);
        var elapsed = timer.Elapsed;

        var runs = passes * data.Length;
        return new BenchResult(elapsed.TotalNanoseconds / runs, runs, accepted);
    }

    /// <summary>
    /// Runs a batch entry (<see cref="Bpf.Filtering.PacketFilter.AsBatchDelegate"/>) over
    /// <paramref name="packets"/>, handed to it as one batch per pass, for about <paramref name="duration"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No packets, or the counts differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public static BenchResult Run(IReadOnlyList<byte[]> packets, IReadOnlyList<uint> wireLengths, BpfBatchFilter filter, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(packets);
        ArgumentNullException.ThrowIfNull(wireLengths);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (packets.Count == 0)
            throw new ArgumentException("no packets to run the filter on", nameof(packets));
        if (packets.Count != wireLengths.Count)
            throw new ArgumentException($"{packets.Count} packets but {wireLengths.Count} wire lengths", nameof(wireLengths));

        var slices = new PacketSlice[packets.Count];
        for (var i = 0; i < slices.Length; i++)
            slices[i] = new PacketSlice(packets[i], wireLengths[i]);
        var verdicts = new uint[slices.Length];
        var passesPerCheck = Math.Max(1, RunsBetweenClockReads / slices.Length);

        var warmUp = Stopwatch.StartNew();
        var warmUpLimit = TimeSpan.FromTicks(Math.Min(duration.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks));
        do
            filter(slices, verdicts);
        while (warmUp.Elapsed < warmUpLimit);

        long accepted = filter(slices, verdicts);
        long passes = 0;
        var timer = Stopwatch.StartNew();
        do
        {
            for (var i = 0; i < passesPerCheck; i++)
                filter(slices, verdicts);
            passes += passesPerCheck;
        }
        while (timer.Elapsed < duration);
        var elapsed = timer.Elapsed;

        var runs = passes * slices.Length;
        return new BenchResult(elapsed.TotalNanoseconds / runs, runs, accepted);
    }

    private static long Pass(byte[][] data, uint[] wire, BpfFilterDelegate filter)
    {
        long accepted = 0;
        for (var i = 0; i < data.Length; i++)
            if (filter(data[i], wire[i]) != 0)
                accepted++;
        return accepted;
    }
}
