using System.Diagnostics;
using System.Globalization;
using Bpf.Compiler;

namespace Bpf.Benchmarks;

/// <summary>
/// <c>compile-ratios</c>: our compiler against pcap_compile per expression of the whole corpus, warm,
/// in interleaved rounds (per expression and round: libpcap, then ours, each timed over a few repeats),
/// for each compatibility mode against its own libpcap (head against the head build, 1.10 against the
/// system's 1.10.3). Prints per mode the median over expressions of each side's per-expression time
/// (its min and median over rounds), the median of the per-expression ratios, and our allocation per
/// compile. Ours is <see cref="FilterCompiler.TryCompile"/> (a refusal is a return value, as pcap_compile's -1);
/// <c>--throwing</c> times <see cref="FilterCompiler.Compile"/> and a catch instead. <c>--profile SECONDS</c>
/// instead compiles the corpus with ours only, in a loop, for a profiler (<c>--typical</c>: the middle half
/// by our time; <c>--accepted</c>: only what ours compiles).
/// The BenchmarkDotNet suite (<see cref="CorpusCompileBenchmarks"/>) measures the same corpus as a whole.
/// </summary>
internal static class CompileRatios
{
    public static int Run(string[] args)
    {
        int rounds = 5, repeats = 8;
        double profileSeconds = 0;
        bool typical = false, acceptedOnly = false;
        string? dump = null;
        var modes = new List<LibpcapCompatibility> { LibpcapCompatibility.Head, LibpcapCompatibility.V1_10 };
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--profile": profileSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--typical": typical = true; break;
                case "--accepted": acceptedOnly = true; break;
                case "--dump": dump = args[++i]; break;
                case "--throwing": s_throwing = true; break;
                case "--mode":
                    modes = [args[++i] == "1.10" ? LibpcapCompatibility.V1_10 : LibpcapCompatibility.Head];
                    break;
                default:
                    Console.Error.WriteLine("usage: compile-ratios [--mode head|1.10] [--throwing] [--rounds N] [--repeats N] [--dump FILE.tsv] [--profile SECONDS [--typical] [--accepted]]");
                    return 2;
            }
        }
        var corpus = ExpressionCorpus.Load();
        if (profileSeconds > 0)
            return Profile(corpus, modes, profileSeconds, typical, acceptedOnly);
        foreach (var mode in modes)
            Measure(corpus, mode, rounds, repeats, dump is null ? null : modes.Count == 1 ? dump : $"{dump}.{(mode == LibpcapCompatibility.Head ? "head" : "1.10")}");
        return 0;
    }

    private static int Profile(CorpusExpression[] corpus, List<LibpcapCompatibility> modes, double seconds, bool typical, bool acceptedOnly)
    {
        var options = modes.Select(m => new CompilerOptions { Compatibility = m }).ToArray();
        if (acceptedOnly)
        {
            // Only what every profiled mode compiles: the accepted lines' costs without the error paths.
            corpus = [.. corpus.Where(row => options.All(o => Ours(row, o) >= 0))];
            Console.WriteLine($"accepted: {corpus.Length} expressions");
        }
        if (typical)
        {
            // Only the middle half by our compile time: what the median is made of, not the few big ones.
            var times = new double[corpus.Length];
            for (int pass = 0; pass < 4; pass++)
                for (int i = 0; i < corpus.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Ours(corpus[i], options[0]);
                    double t = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    times[i] = pass == 1 ? t : Math.Min(times[i], t);
                }
            var sorted = times.Order().ToArray();
            double low = sorted[sorted.Length / 4], high = sorted[sorted.Length * 3 / 4];
            corpus = [.. corpus.Where((_, i) => times[i] >= low && times[i] <= high)];
            Console.WriteLine($"typical: {corpus.Length} expressions between {low:F1} and {high:F1} us");
        }
        var clock = Stopwatch.StartNew();
        long compiles = 0;
        var spent = new double[corpus.Length];
        while (clock.Elapsed.TotalSeconds < seconds)
            foreach (var o in options)
                for (int i = 0; i < corpus.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Ours(corpus[i], o);
                    spent[i] += Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                    compiles++;
                }
        foreach (var i in Enumerable.Range(0, corpus.Length).OrderByDescending(i => spent[i]).Take(8))
            Console.WriteLine($"  {100 * spent[i] / spent.Sum(),5:F1}% of the time: {corpus[i].LinkType}: {corpus[i].Expression}");
        Console.WriteLine($"{compiles} compiles in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / compiles:F1} us each (mean); " +
            $"GCs gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, GC pauses {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
        return 0;
    }

    // TryCompile, as pcap_compile returns -1 for a refused expression; --throwing times Compile and a catch.
    private static bool s_throwing;

    private static int Ours(CorpusExpression row, CompilerOptions options)
    {
        if (!s_throwing)
            return FilterCompiler.TryCompile(row.Expression, out var program, out _, row.LinkType, FilterCompilerDefaults.Snaplen, options) ? program.Count : -1;
        try
        {
            return FilterCompiler.Compile(row.Expression, row.LinkType, FilterCompilerDefaults.Snaplen, options).Count;
        }
        catch (FilterCompileException)
        {
            return -1;
        }
    }

    private static void Measure(CorpusExpression[] corpus, LibpcapCompatibility mode, int rounds, int repeats, string? dump)
    {
        using var libpcap = mode == LibpcapCompatibility.Head ? LibpcapCompiler.Head() : LibpcapCompiler.System();
        var prepared = libpcap.Prepare(corpus);
        var options = new CompilerOptions { Compatibility = mode };
        int n = corpus.Length;
        var rejected = new bool[n];
        for (int i = 0; i < n; i++)
            rejected[i] = libpcap.Compile(prepared[i].Handle, prepared[i].Text) < 0;
        var theirs = new double[n, rounds];
        var ours = new double[n, rounds];
        // Warm: every expression compiled by both before any timing (JIT tiers, name tables, caches).
        for (int w = 0; w < 3; w++)
            for (int i = 0; i < n; i++)
            {
                libpcap.Compile(prepared[i].Handle, prepared[i].Text);
                Ours(corpus[i], options);
            }
        long allocated = 0, compiles = 0;
        double tick = 1e6 / Stopwatch.Frequency;
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < n; i++)
            {
                var (handle, text) = prepared[i];
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < repeats; k++)
                    libpcap.Compile(handle, text);
                long t1 = Stopwatch.GetTimestamp();
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                for (int k = 0; k < repeats; k++)
                    Ours(corpus[i], options);
                long t2 = Stopwatch.GetTimestamp();
                allocated += GC.GetAllocatedBytesForCurrentThread() - a0;
                compiles += repeats;
                theirs[i, r] = (t1 - t0) * tick / repeats;
                ours[i, r] = (t2 - t1) * tick / repeats;
            }
        }
        var theirsMin = new double[n];
        var theirsMedian = new double[n];
        var oursMin = new double[n];
        var oursMedian = new double[n];
        var ratioMin = new double[n];
        var ratioMedian = new double[n];
        for (int i = 0; i < n; i++)
        {
            theirsMin[i] = Min(theirs, i, rounds);
            theirsMedian[i] = Median(theirs, i, rounds);
            oursMin[i] = Min(ours, i, rounds);
            oursMedian[i] = Median(ours, i, rounds);
            ratioMin[i] = oursMin[i] / theirsMin[i];
            ratioMedian[i] = oursMedian[i] / theirsMedian[i];
        }
        var label = mode == LibpcapCompatibility.Head ? "head" : "1.10";
        Console.WriteLine($"mode {label}: {n} expressions, {rounds} rounds x {repeats} repeats, against {libpcap.Version}; ours = FilterCompiler.{(s_throwing ? "Compile + catch" : "TryCompile")}");
        Console.WriteLine($"  pcap_compile us/expr: median of per-expression min {Median(theirsMin):F2}, of per-expression median {Median(theirsMedian):F2}; total per pass {theirsMedian.Sum() / 1000:F1} ms");
        Console.WriteLine($"  ours         us/expr: median of per-expression min {Median(oursMin):F2}, of per-expression median {Median(oursMedian):F2}; total per pass {oursMedian.Sum() / 1000:F1} ms");
        Console.WriteLine($"  ratio ours/pcap_compile: median over expressions {Median(ratioMin):F2} (min-based) / {Median(ratioMedian):F2} (median-based); p90 {Percentile(ratioMedian, 0.9):F2}; total {oursMedian.Sum() / theirsMedian.Sum():F2}");
        foreach (var (name, refused) in new[] { ("accepted", false), ("rejected", true) })
        {
            var subset = Enumerable.Range(0, n).Where(i => rejected[i] == refused).ToArray();
            if (subset.Length > 0)
                Console.WriteLine($"    {name,-8} {subset.Length,5}: pcap_compile {Median([.. subset.Select(i => theirsMedian[i])]):F2} us, ours {Median([.. subset.Select(i => oursMedian[i])]):F2} us, ratio {Median([.. subset.Select(i => ratioMedian[i])]):F2}");
        }
        Console.WriteLine($"  ours allocated per compile: {allocated / (double)compiles:F0} bytes (mean)");
        if (dump is not null)
        {
            // One line per expression for a look at the distribution: whether accepted, both medians, the ratio.
            using var writer = new StreamWriter(dump);
            writer.WriteLine("rejected\tpcap_us\tours_us\tratio\tlinktype\texpression");
            for (int i = 0; i < n; i++)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(rejected[i] ? 1 : 0)}\t{theirsMedian[i]:F3}\t{oursMedian[i]:F3}\t{ratioMedian[i]:F3}\t{corpus[i].LinkType}\t{corpus[i].Expression}"));
        }
        var worst = Enumerable.Range(0, n).OrderByDescending(i => ratioMedian[i]).Take(5);
        foreach (var i in worst)
            Console.WriteLine($"    worst {ratioMedian[i],6:F2}x  ours {oursMedian[i],8:F2} us  pcap {theirsMedian[i],7:F2} us  {corpus[i].LinkType}: {corpus[i].Expression}");
    }

    private static double Min(double[,] values, int row, int count)
    {
        double min = double.MaxValue;
        for (int r = 0; r < count; r++)
            min = Math.Min(min, values[row, r]);
        return min;
    }

    private static double Median(double[,] values, int row, int count)
    {
        var copy = new double[count];
        for (int r = 0; r < count; r++)
            copy[r] = values[row, r];
        return Median(copy);
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double fraction)
    {
        var sorted = values.Order().ToArray();
        double at = fraction * (sorted.Length - 1);
        int low = (int)Math.Floor(at);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
    }
}
