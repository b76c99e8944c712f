using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Pcapfile;

namespace Capture.Pcapfile.Tests;

/// <summary>A packet copied out of a reader, comparable by value.</summary>
internal sealed record Packet(byte[] Data, uint WireLength, long Timestamp, LinkType LinkType, int InterfaceIndex)
{
    public static Packet From(CapturedPacket p) => new(p.Data.ToArray(), p.WireLength, p.Timestamp, p.LinkType, p.InterfaceIndex);

    public bool Equals(Packet? other) =>
        other is not null && Data.AsSpan().SequenceEqual(other.Data) && WireLength == other.WireLength
        && Timestamp == other.Timestamp && LinkType == other.LinkType && InterfaceIndex == other.InterfaceIndex;

    public override int GetHashCode() => HashCode.Combine(Data.Length, WireLength, Timestamp);
}

/// <summary>Reads files with our reader and with libpcap, and compares them.</summary>
internal static class Packets
{
    public static List<Packet> ReadAll(CaptureFileReader reader)
    {
        var list = new List<Packet>();
        while (reader.TryReadPacket(out var packet))
            list.Add(Packet.From(packet));
        return list;
    }

    /// <summary>The same packets as a pcapng file (link type, snaplen and precision kept).</summary>
    public static byte[] ToPcapNg(byte[] pcap)
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(pcap));
        var output = new MemoryStream();
        using (var writer = CaptureFileWriter.CreateLike(reader, output, CaptureFileFormat.PcapNg, leaveOpen: true))
            while (reader.TryReadPacket(out var packet))
                writer.Write(packet);
        return output.ToArray();
    }

    public static List<Packet> ReadAll(byte[] file)
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        return ReadAll(reader);
    }

    public static List<Packet> ReadAll(string path)
    {
        using var reader = CaptureFileReader.Open(path);
        return ReadAll(reader);
    }

    /// <summary>Reads until the end or the first error; returns the packets and the error (if any).</summary>
    public static (List<Packet> Packets, InvalidDataException? Error) ReadUntilError(Stream stream)
    {
        var list = new List<Packet>();
        try
        {
            using var reader = CaptureFileReader.Open(stream);
            while (reader.TryReadPacket(out var packet))
                list.Add(Packet.From(packet));
            return (list, null);
        }
        catch (InvalidDataException e)
        {
            return (list, e);
        }
    }

    /// <summary>libpcap's view of a file, as our packets (link type from the file header).</summary>
    public static (List<Packet> Packets, string? Error) Libpcap(string path)
    {
        try
        {
            var (linkType, _, packets) = Bpf.Testing.Libpcap.ReadFile(path);
            return (packets.Select(p => new Packet(p.Data, p.WireLength, p.Seconds * 1_000_000_000L + p.Nanoseconds, linkType, 0)).ToList(), null);
        }
        catch (InvalidDataException e)
        {
            return ([], e.Message);
        }
    }

    /// <summary>Asserts that we read exactly libpcap's packets from an undamaged file.</summary>
    public static void AssertSameAsLibpcap(string path)
    {
        var (expected, error) = Libpcap(path);
        Assert.Null(error);
        var actual = ReadAll(path);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Equals(actual[i]), $"{Path.GetFileName(path)} packet {i} differs: libpcap {Describe(expected[i])}, ours {Describe(actual[i])}");
    }

    public static string Describe(Packet p) =>
        $"caplen {p.Data.Length} len {p.WireLength} ts {p.Timestamp} {p.LinkType} if {p.InterfaceIndex}";

    public static long OffsetOf(InvalidDataException e) =>
        CaptureFileError.TryGetOffset(e, out var offset) ? offset : throw new Xunit.Sdk.XunitException($"no offset in '{e.Message}'");
}

/// <summary>Temporary files deleted at dispose.</summary>
internal sealed class TempFile : IDisposable
{
    public TempFile(byte[]? content = null, string extension = ".pcap")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pcapfile-test-{Guid.NewGuid():N}{extension}");
        if (content is not null)
            File.WriteAllBytes(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
