using Bpf.Vm;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile.Tests;

/// <summary>The shortcut timestamp conversion equals libpcap's seconds-and-fraction arithmetic.</summary>
public class PcapNgInterfaceTests
{
    // sf-pcapng.c: sec = t / tsresol + tsoffset, frac = t % tsresol scaled to 10^9, result sec * 10^9 + frac
    // (64-bit wrapping), except that the power-of-2 scaling is done without overflow.
    private static long Reference(ulong raw, ulong units, bool binary, ulong offset)
    {
        var seconds = raw / units + offset;
        var fraction = raw % units;
        ulong nanoseconds = binary ? (ulong)((UInt128)fraction * 1_000_000_000 / units)
            : units <= 1_000_000_000 ? fraction * (1_000_000_000 / units) : fraction / (units / 1_000_000_000);
        return unchecked((long)(seconds * 1_000_000_000 + nanoseconds));
    }

    [Fact]
    public void ToNanoseconds_EveryResolution_MatchesLibpcapArithmetic()
    {
        var random = new Random(7);
        for (var exponent = 0; exponent <= 19; exponent++)
            Check(random, Pow10(exponent), binary: false);
        for (var shift = 0; shift <= 63; shift++)
            Check(random, 1UL << shift, binary: true);
    }

    private static ulong Pow10(int exponent)
    {
        ulong value = 1;
        for (var i = 0; i < exponent; i++)
            value *= 10;
        return value;
    }

    private static void Check(Random random, ulong units, bool binary)
    {
        for (var i = 0; i < 200; i++)
        {
            var raw = i < 100 ? (ulong)random.NextInt64() : (ulong)random.NextInt64(1L << 50);
            var offset = i % 3 == 0 ? (ulong)random.NextInt64() : (ulong)random.Next(0, 100_000);
            var description = new PcapNgInterface(LinkType.EN10MB, 100, units, binary, offset, null);
            Assert.True(Reference(raw, units, binary, offset) == description.ToNanoseconds(raw), $"units {units} binary {binary} raw {raw} offset {offset}");
        }
    }
}
