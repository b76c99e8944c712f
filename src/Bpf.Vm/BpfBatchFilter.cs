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

/// <summary>Checks shared by every engine's batch entry.</summary>
public static class BpfBatch
{
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
