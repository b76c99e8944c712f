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
        CheckArguments(packets, wireLengths, filter, duration);

        // Arrays, not the interfaces, inside the loop: the loop should cost nothing but the filter.
        var data = packets.ToArray();
        var wire = wireLengths.ToArray();
        return Time(data.Length, () => Pass(data, wire, filter), duration);
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
        CheckArguments(packets, wireLengths, filter, duration);

        var slices = new PacketSlice[packets.Count];
        for (var i = 0; i < slices.Length; i++)
            slices[i] = new PacketSlice(packets[i], wireLengths[i]);
        var verdicts = new uint[slices.Length];
        return Time(slices.Length, () => filter(slices, verdicts), duration);
    }

    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">No packets, or the counts differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    private static void CheckArguments(IReadOnlyList<byte[]> packets, IReadOnlyList<uint> wireLengths, Delegate filter, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(packets);
        ArgumentNullException.ThrowIfNull(wireLengths);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (packets.Count == 0)
            throw new ArgumentException("no packets to run the filter on", nameof(packets));
        if (packets.Count != wireLengths.Count)
            throw new ArgumentException($"{packets.Count} packets but {wireLengths.Count} wire lengths", nameof(wireLengths));
    }

    /// <summary>
    /// Warms up (a tenth of <paramref name="duration"/>, at most 200 ms), takes the accepted count of one
    /// pass, then repeats <paramref name="pass"/> for about <paramref name="duration"/>, reading the clock
    /// only every <see cref="RunsBetweenClockReads"/> packets so the loop costs nothing but the filter.
    /// </summary>
    private static BenchResult Time(int packetsPerPass, Func<long> pass, TimeSpan duration)
    {
        var passesPerCheck = Math.Max(1, RunsBetweenClockReads / packetsPerPass);

        var warmUp = Stopwatch.StartNew();
        var warmUpLimit = TimeSpan.FromTicks(Math.Min(duration.Ticks / 10, TimeSpan.FromMilliseconds(200).Ticks));
        do
            pass();
        while (warmUp.Elapsed < warmUpLimit);

        var accepted = pass();
        long passes = 0;
        var timer = Stopwatch.StartNew();
        do
        {
            for (var i = 0; i < passesPerCheck; i++)
                pass();
            passes += passesPerCheck;
        }
        while (timer.Elapsed < duration);
        var elapsed = timer.Elapsed;

        var runs = passes * packetsPerPass;
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
