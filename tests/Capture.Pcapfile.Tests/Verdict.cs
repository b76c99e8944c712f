using Bpf.Testing;

namespace Capture.Pcapfile.Tests;

/// <summary>Compares our reading of crafted bytes with libpcap's, packet by packet and failure by failure.</summary>
internal static class Verdict
{
    /// <summary>Reads with ours (the first exception ends the read) and returns packets and error.</summary>
    public static (List<Packet> Packets, InvalidDataException? Error) Ours(byte[] file) => Packets.ReadUntilError(new MemoryStream(file));

    /// <summary>Asserts we deliver libpcap's packets and fail exactly when it fails.</summary>
    public static InvalidDataException? AssertSameAsLibpcap(byte[] file)
    {
        var (ours, error) = Ours(file);
        if (!Libpcap.IsAvailable)
            return error;
        using var temp = new TempFile(file);
        var (theirs, failed) = LibpcapPartialReader.Read(temp.Path);
        Assert.True(failed == (error is not null), $"libpcap {(failed ? "failed" : "succeeded")}, we {(error is null ? "succeeded" : "failed: " + error.Message)}");
        // libpcap has no notion of the interface a packet came from.
        AssertSamePackets(theirs, ours.Select(p => p with { InterfaceIndex = 0 }).ToList());
        return error;
    }

    public static void AssertSamePackets(List<Packet> expected, List<Packet> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Equals(actual[i]), $"packet {i}: expected {Packets.Describe(expected[i])}, got {Packets.Describe(actual[i])}");
    }

    /// <summary>Asserts reading fails with a message naming <paramref name="offset"/> and containing <paramref name="problem"/>.</summary>
    public static void AssertError(InvalidDataException? error, long offset, string problem)
    {
        Assert.NotNull(error);
        Assert.Equal(offset, Packets.OffsetOf(error));
        Assert.StartsWith($"at byte offset {offset}: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
