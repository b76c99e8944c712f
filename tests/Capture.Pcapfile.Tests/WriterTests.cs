using Bpf.Testing;
using Bpf.Vm;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile.Tests;

/// <summary>Files written by our writers read back identically, here and in libpcap.</summary>
public class WriterTests
{
    private static readonly byte[] s_a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly byte[] s_b = [0xff, 0xee, 0xdd];

    [Theory]
    [InlineData(CaptureFileFormat.Pcap, TimestampPrecision.Nanoseconds, 1_700_000_000_123_456_789L)]
    [InlineData(CaptureFileFormat.Pcap, TimestampPrecision.Microseconds, 1_700_000_000_123_456_000L)]
    [InlineData(CaptureFileFormat.PcapNg, TimestampPrecision.Nanoseconds, 1_700_000_000_123_456_789L)]
    [InlineData(CaptureFileFormat.PcapNg, TimestampPrecision.Microseconds, 1_700_000_000_123_456_000L)]
    public void Write_Timestamp_KeptToThePrecision(CaptureFileFormat format, TimestampPrecision precision, long expected)
    {
        var stream = new MemoryStream();
        using (var writer = CaptureFileWriter.Create(stream, format, LinkType.RAW, 1500, precision, leaveOpen: true))
            writer.Write(s_a, 60, 1_700_000_000_123_456_789L, LinkType.RAW);
        var file = stream.ToArray();
        Verdict.AssertSameAsLibpcap(file);
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal((format, LinkType.RAW, 1500, precision), (reader.Format, reader.LinkType, reader.Snaplen, reader.TimestampPrecision));
        Assert.Equal(new Packet(s_a, 60, expected, LinkType.RAW, 0), Assert.Single(Packets.ReadAll(reader)));
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void Write_LongerThanSnaplen_CutKeepingWireLength(CaptureFileFormat format)
    {
        var stream = new MemoryStream();
        using (var writer = CaptureFileWriter.Create(stream, format, LinkType.EN10MB, 4, leaveOpen: true))
            writer.Write(s_a, 1000, 0, LinkType.EN10MB);
        var file = stream.ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Equal(new Packet(s_a[..4], 1000, 0, LinkType.EN10MB, 0), Assert.Single(Packets.ReadAll(file)));
    }

    [Fact]
    public void PcapNgWriter_SeveralLinkTypes_OneInterfaceEach()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapNgWriter(stream, 65535, TimestampPrecision.Nanoseconds, leaveOpen: true))
        {
            writer.Write(s_a, 10, 1, LinkType.EN10MB);
            writer.Write(s_b, 3, 2, LinkType.LINUX_SLL);
            writer.Write(s_b, 3, 3, LinkType.EN10MB);
            Assert.Equal([LinkType.EN10MB, LinkType.LINUX_SLL], writer.Interfaces);
        }
        Assert.Equal(
            [new Packet(s_a, 10, 1, LinkType.EN10MB, 0), new Packet(s_b, 3, 2, LinkType.LINUX_SLL, 1), new Packet(s_b, 3, 3, LinkType.EN10MB, 0)],
            Packets.ReadAll(stream.ToArray()));
    }

    [Fact]
    public void PcapWriter_OtherLinkType_Rejected()
    {
        using var writer = new PcapWriter(new MemoryStream(), LinkType.EN10MB);
        Assert.Throws<ArgumentException>(() => writer.Write(s_a, 10, 0, LinkType.RAW));
    }

    [Theory]
    [InlineData(4_294_901_760L, 0xffff0000u)] // a byte-swapped file's unsigned seconds (libpcap reads them unsigned)
    [InlineData(-1L, 0xffffffffu)]
    [InlineData(0x1_0000_0005L, 5u)]
    public void PcapWriter_SecondsBeyond32Bits_KeepTheLow32AsPcapDump(long seconds, uint field)
    {
        // libpcap's pcap_dump writes (bpf_int32)tv_sec: tcpdump -w never refuses a timestamp.
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, LinkType.EN10MB, leaveOpen: true))
            writer.Write(s_a, 10, seconds * 1_000_000_000L + 128_000, LinkType.EN10MB);
        var bytes = stream.ToArray();
        Assert.Equal(field, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(128u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
    }

    [Fact]
    public void Write_BeforeEpoch_RoundTripsInBothFormats()
    {
        foreach (var format in new[] { CaptureFileFormat.Pcap, CaptureFileFormat.PcapNg })
        {
            var stream = new MemoryStream();
            using (var writer = CaptureFileWriter.Create(stream, format, LinkType.EN10MB, precision: TimestampPrecision.Nanoseconds, leaveOpen: true))
                writer.Write(s_a, 10, -1_500_000_001L, LinkType.EN10MB);
            Verdict.AssertSameAsLibpcap(stream.ToArray());
            Assert.Equal(-1_500_000_001L, Assert.Single(Packets.ReadAll(stream.ToArray())).Timestamp);
        }
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void Write_EveryStreamWrite_LeavesAValidFile(CaptureFileFormat format)
    {
        // Whatever the stream holds after any write is what a crash would leave: it must read cleanly.
        var stream = new SnapshotStream();
        var packet = new byte[200_000];
        using (var writer = CaptureFileWriter.Create(stream, format, LinkType.EN10MB, leaveOpen: true))
            for (var i = 0; i < 50; i++)
                writer.Write(packet.AsSpan(0, 1000 + i * 3_999), 70_000, i, LinkType.EN10MB);
        Assert.True(stream.Snapshots.Count > 3, $"only {stream.Snapshots.Count} writes");
        var previous = -1;
        foreach (var snapshot in stream.Snapshots)
        {
            var (packets, error) = Verdict.Ours(snapshot);
            Assert.Null(error);
            Assert.True(packets.Count > previous);
            previous = packets.Count;
        }
        Assert.Equal(50, previous);
    }

    [Fact]
    public void Flush_MakesWrittenPacketsReadable()
    {
        var stream = new MemoryStream();
        using var writer = new PcapNgWriter(stream, leaveOpen: true);
        writer.Write(s_a, 10, 0, LinkType.EN10MB);
        writer.Flush();
        Assert.Single(Packets.ReadAll(stream.ToArray()));
    }

    [LibpcapTheory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void NoPackets_StillACaptureLibpcapOpens_WithItsLinkType(CaptureFileFormat format)
    {
        // An empty result is a capture too: pcapng used to be a bare section header, which libpcap
        // and tcpdump refuse ("no Interface Description Blocks").
        var stream = new MemoryStream();
        CaptureFileWriter.Create(stream, format, LinkType.RAW, leaveOpen: true).Dispose();
        var bytes = stream.ToArray();
        Assert.Null(Verdict.AssertSameAsLibpcap(bytes));
        using var reader = CaptureFileReader.Open(new MemoryStream(bytes));
        Assert.Equal(LinkType.RAW, reader.LinkType);
        Assert.False(reader.TryReadPacket(out _));
    }

    [LibpcapFact]
    public void CreateLike_KeepsInputProperties()
    {
        using var input = CaptureFileReader.Open(TestData.Corpus("IEEE802_11_RADIO"));
        var stream = new MemoryStream();
        using (var writer = CaptureFileWriter.CreateLike(input, stream, CaptureFileFormat.PcapNg, leaveOpen: true))
            while (input.TryReadPacket(out var packet))
                writer.Write(packet);
        using var copy = CaptureFileReader.Open(new MemoryStream(stream.ToArray()));
        Assert.Equal((input.LinkType, input.Snaplen, input.TimestampPrecision), (copy.LinkType, copy.Snaplen, copy.TimestampPrecision));
        Assert.Equal(Packets.ReadAll(TestData.Corpus("IEEE802_11_RADIO")), Packets.ReadAll(copy));
    }
}

/// <summary>A stream that keeps a copy of its whole content after every write.</summary>
internal sealed class SnapshotStream : MemoryStream
{
    public List<byte[]> Snapshots { get; } = [];

    public override void Write(byte[] buffer, int offset, int count)
    {
        base.Write(buffer, offset, count);
        Snapshots.Add(ToArray());
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        base.Write(buffer);
        Snapshots.Add(ToArray());
    }
}
