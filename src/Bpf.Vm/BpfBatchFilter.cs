namespace Bpf.Vm;

/// <summary>
/// A filter over a whole batch of packets: writes to <c>verdicts[i]</c> what libpcap's
/// <c>bpf_filter</c> returns for <c>packets[i]</c> (the number of bytes to keep, 0 rejects) and
/// returns how many packets it accepted (non-zero verdicts). Allocates nothing; the per-packet cost
/// is the filter itself, not a call.
/// </summary>
/// <param name="packets">The packets (all of the link type the program was compiled for).</param>
/// <param name="verdicts">At least as many elements as <paramref name="packets"/>; the rest are left alone.</param>
/// <returns>The number of packets with a non-zero verdict.</returns>
/// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="packets"/>.</exception>
public delegate int BpfBatchFilter(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts);

/// <summary>
/// Several filters over a whole batch of packets in one pass: writes filter f's verdict for
/// <c>packets[i]</c> to <c>verdicts[i * filters + f]</c>, exactly what that filter alone returns, and
/// returns how many verdicts were non-zero.
/// </summary>
/// <param name="packets">The packets (all of the link type the programs were compiled for).</param>
/// <param name="verdicts">At least <c>packets.Length * filters</c> elements; the rest are left alone.</param>
/// <returns>The number of non-zero verdicts.</returns>
/// <exception cref="ArgumentException"><paramref name="verdicts"/> is too short.</exception>
public delegate int BpfMultiFilter(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts);

/// <summary>Checks and helpers shared by every engine's batch entries.</summary>
public static class BpfBatch
{
    /// <summary>Throws when there are fewer verdict cells than <paramref name="packets"/> times <paramref name="filters"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is too small.</exception>
    public static void CheckVerdicts(int packets, int filters, int verdicts)
    {
        if ((long)packets * filters > verdicts)
            throw new ArgumentException($"{packets} packets and {filters} filters but room for {verdicts} verdicts", nameof(verdicts));
    }

    /// <summary>Several runners as one <see cref="BpfMultiFilter"/>, each run alone on each packet (where the JIT is not available).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="filters"/> is null.</exception>
    public static BpfMultiFilter Combine(IReadOnlyList<BpfRunner> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var all = filters.ToArray();
        return (packets, verdicts) =>
        {
            CheckVerdicts(packets.Length, all.Length, verdicts.Length);
            var accepted = 0;
            for (var i = 0; i < packets.Length; i++)
            {
                ref readonly var packet = ref packets[i];
                for (var f = 0; f < all.Length; f++)
                {
                    var verdict = all[f].Run(packet.Data, packet.WireLength);
                    verdicts[i * all.Length + f] = verdict;
                    accepted += verdict != 0 ? 1 : 0;
                }
            }
            return accepted;
        };
    }

    /// <summary>Throws when there are fewer verdict cells than packets.</summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is below <paramref name="packets"/>.</exception>
    public static void CheckVerdicts(int packets, int verdicts)
    {
        if (verdicts < packets)
            Throw(packets, verdicts);
    }

    private static void Throw(int packets, int verdicts) =>
        throw new ArgumentException($"{packets} packets but room for {verdicts} verdicts", nameof(verdicts));
}
