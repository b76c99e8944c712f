using Bpf.Testing;

namespace Capture.Pcapfile.Tests;

/// <summary>
/// Reads a file with libpcap up to its first error, keeping the packets before it (the shared
/// <c>Libpcap.ReadFile</c> throws them away), so damaged files can be compared packet by packet.
/// </summary>
internal static class LibpcapPartialReader
{
    /// <summary>The packets libpcap delivers, and whether it stopped with an error (at open or later).</summary>
    public static (List<Packet> Packets, bool Failed) Read(string path)
    {
        var libpcap = LibpcapBuild.System ?? throw new InvalidOperationException(LibpcapBuild.SystemUnavailableReason);
        var read = new List<LibpcapBuild.Packet>();
        var (linkType, _, error) = libpcap.ReadPackets(path, read);
        var packets = read.ConvertAll(p => new Packet(p.Data, p.WireLength, p.Seconds * 1_000_000_000L + p.Nanoseconds, linkType, 0));
        return (packets, error != null);
    }
}
