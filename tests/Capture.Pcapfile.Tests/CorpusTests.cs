using Bpf.Testing;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile.Tests;

/// <summary>Every real capture of the corpus reads exactly as libpcap reads it, in both formats.</summary>
public class CorpusTests
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in TestData.CorpusFiles)
            data.Add(Path.GetFileName(file));
        return data;
    }

    [LibpcapTheory]
    [MemberData(nameof(CorpusFiles))]
    public void Read_CorpusFile_SamePacketsAsLibpcap(string name)
    {
        var path = Path.Combine(TestData.CorpusDirectory, name);
        Packets.AssertSameAsLibpcap(path);
        using var reader = CaptureFileReader.Open(path);
        var (linkType, snaplen, _) = Libpcap.ReadFile(path);
        Assert.Equal(CaptureFileFormat.Pcap, reader.Format);
        Assert.Equal(linkType, reader.LinkType);
        Assert.Equal(snaplen, reader.Snaplen);
    }

    [LibpcapTheory]
    [MemberData(nameof(CorpusFiles))]
    public void WritePcapNg_CorpusFile_ReadsBackIdenticallyHereAndInLibpcap(string name)
    {
        var path = Path.Combine(TestData.CorpusDirectory, name);
        var original = Packets.ReadAll(path);
        foreach (var precision in new[] { TimestampPrecision.Microseconds, TimestampPrecision.Nanoseconds })
        {
            using var copy = new TempFile(extension: ".pcapng");
            Copy(path, copy.Path, CaptureFileFormat.PcapNg, precision);
            Assert.Equal(original, Packets.ReadAll(copy.Path));
            Packets.AssertSameAsLibpcap(copy.Path);
        }
    }

    [LibpcapTheory]
    [MemberData(nameof(CorpusFiles))]
    public void WritePcap_CorpusFile_ReadsBackIdenticallyHereAndInLibpcap(string name)
    {
        var path = Path.Combine(TestData.CorpusDirectory, name);
        var original = Packets.ReadAll(path);
        using var copy = new TempFile();
        Copy(path, copy.Path, CaptureFileFormat.Pcap, TimestampPrecision.Nanoseconds);
        Assert.Equal(original, Packets.ReadAll(copy.Path));
        Packets.AssertSameAsLibpcap(copy.Path);
        using var reader = PcapReader.Open(copy.Path);
        Assert.Equal(TimestampPrecision.Nanoseconds, reader.TimestampPrecision);
    }

    private static void Copy(string from, string to, CaptureFileFormat format, TimestampPrecision precision)
    {
        using var reader = CaptureFileReader.Open(from);
        using var writer = CaptureFileWriter.Create(to, format, reader.LinkType, reader.Snaplen, precision);
        while (reader.TryReadPacket(out var packet))
            writer.Write(packet);
    }
}
