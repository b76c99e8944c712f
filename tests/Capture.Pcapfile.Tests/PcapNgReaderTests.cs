using Bpf.Vm;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile.Tests;

/// <summary>Each pcapng feature, crafted; compared with libpcap where libpcap can read it.</summary>
public class PcapNgReaderTests
{
    private static readonly byte[] s_a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly byte[] s_b = [0xff, 0xee, 0xdd];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_EnhancedPackets_EitherByteOrder(bool bigEndian)
    {
        var file = new PcapNgBuilder().Section(bigEndian).Interface(1).Enhanced(0, 1_700_000_000_123_456, s_a, wireLength: 64).Enhanced(0, 5, s_b).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(CaptureFileFormat.PcapNg, reader.Format);
        Assert.Equal(LinkType.EN10MB, reader.LinkType);
        Assert.Equal(65535, reader.Snaplen);
        Assert.Equal(TimestampPrecision.Microseconds, reader.TimestampPrecision);
        var packets = Packets.ReadAll(reader);
        Assert.Equal(new Packet(s_a, 64, 1_700_000_000_123_456_000, LinkType.EN10MB, 0), packets[0]);
        Assert.Equal(5_000, packets[1].Timestamp);
    }

    [Fact]
    public void Read_TwoSectionsOfDifferentByteOrder_ReadsBoth()
    {
        var file = new PcapNgBuilder().Section(bigEndian: false).Interface(1).Enhanced(0, 1, s_a)
            .Section(bigEndian: true).Interface(101).Enhanced(0, 2, s_b).ToArray();
        var packets = Packets.ReadAll(file);
        Assert.Equal([new Packet(s_a, 10, 1000, LinkType.EN10MB, 0), new Packet(s_b, 3, 2000, LinkType.RAW, 0)], packets);
        // libpcap refuses the second section; the packets it reads first agree.
        if (Bpf.Testing.Libpcap.IsAvailable)
        {
            using var temp = new TempFile(file);
            var (theirs, failed) = LibpcapPartialReader.Read(temp.Path);
            Assert.True(failed);
            Verdict.AssertSamePackets(theirs, packets[..1]);
        }
    }

    [Theory]
    [InlineData((byte)(0x80 | 20), 3UL << 19, 1_500_000_000L)] // 2^-20 s units: 3 * 2^19 = 1.5 s
    [InlineData((byte)(0x80 | 0), 7UL, 7_000_000_000L)]
    [InlineData((byte)(0x80 | 32), (5UL << 32) + (1UL << 30), 5_250_000_000L)]
    [InlineData((byte)9, 1_234_567_891UL, 1_234_567_891L)]
    [InlineData((byte)3, 1_234UL, 1_234_000_000L)]
    [InlineData((byte)0, 42UL, 42_000_000_000L)]
    [InlineData((byte)12, 1_000_000_000_001UL, 1_000_000_000L)]
    public void Read_TimestampResolution_ConvertedToNanoseconds(byte tsresol, ulong raw, long expected)
    {
        var file = new PcapNgBuilder().Section().Interface(1, tsresol: tsresol).Enhanced(0, raw, s_a).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Equal(expected, Assert.Single(Packets.ReadAll(file)).Timestamp);
    }

    [Fact]
    public void Read_FinestBinaryResolution_NoOverflow()
    {
        // libpcap multiplies the fraction by 10^9 in 64 bits and overflows here; we do not.
        var file = new PcapNgBuilder().Section().Interface(1, tsresol: 0x80 | 63).Enhanced(0, (3UL << 62) | (1UL << 62), s_a).ToArray();
        Assert.Equal(1_500_000_000L, Assert.Single(Packets.ReadAll(file)).Timestamp);
    }

    [Fact]
    public void Read_NanosecondResolution_ReportsNanosecondPrecision()
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(new PcapNgBuilder().Section().Interface(1, tsresol: 9).ToArray()));
        Assert.Equal(TimestampPrecision.Nanoseconds, reader.TimestampPrecision);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_TimestampOffset_AddsSeconds(bool bigEndian)
    {
        var file = new PcapNgBuilder().Section(bigEndian).Interface(1, tsresol: 6, tsoffset: 0x1_0000_0002).Enhanced(0, 2_000_001, s_a).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Equal((0x1_0000_0002L + 2) * 1_000_000_000L + 1_000, Assert.Single(Packets.ReadAll(file)).Timestamp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_SimplePacketBlock_CapturedLengthIsOriginalCutToSnaplen(bool bigEndian)
    {
        var long_ = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        var file = new PcapNgBuilder().Section(bigEndian).Interface(1, snaplen: 32).Simple(1500, long_[..32]).Simple(3, s_b).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        var packets = Packets.ReadAll(file);
        Assert.Equal(new Packet(long_[..32], 1500, 0, LinkType.EN10MB, 0), packets[0]);
        Assert.Equal(new Packet(s_b, 3, 0, LinkType.EN10MB, 0), packets[1]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ObsoletePacketBlock_Delivered(bool bigEndian)
    {
        var file = new PcapNgBuilder().Section(bigEndian).Interface(1).Interface(1).Obsolete(1, 77, s_a, wireLength: 99).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Equal(new Packet(s_a, 99, 77_000, LinkType.EN10MB, 1), Assert.Single(Packets.ReadAll(file)));
    }

    [Fact]
    public void Read_UnknownBlocks_Skipped()
    {
        var file = new PcapNgBuilder().Section().Block(0x0BAD, w => w.U32(1).U32(2)).Interface(1)
            .Block(5, w => w.U32(0).U32(0).U32(0)).Enhanced(0, 1, s_a).Block(0x80000001, _ => { }).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Single(Packets.ReadAll(file));
    }

    [Fact]
    public void Read_InterfacesWithDifferentLinkTypes_ReportedPerPacket()
    {
        var file = new PcapNgBuilder().Section().Interface(1).Interface(113, snaplen: 100, tsresol: 9)
            .Enhanced(1, 5, s_b).Enhanced(0, 6, s_a).ToArray();
        using var reader = PcapNgReader.Open(WriteTemp(file, out var temp));
        using (temp)
        {
            Assert.Equal(LinkType.EN10MB, reader.LinkType);
            var packets = Packets.ReadAll(reader);
            Assert.Equal([new Packet(s_b, 3, 5, LinkType.LINUX_SLL, 1), new Packet(s_a, 10, 6_000, LinkType.EN10MB, 0)], packets);
            Assert.Equal(2, reader.Interfaces.Count);
            Assert.Equal(100, reader.Interfaces[1].Snaplen);
        }
    }

    [Fact]
    public void Read_FcsLengthOption_Reported()
    {
        var file = new PcapNgBuilder().Section().Block(1, w => w.U16(1).U16(0).U32(0).U16(13).U16(1).Raw(32, 0, 0, 0).U16(0).U16(0)).ToArray();
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(4, reader.FcsLength);
        Assert.Equal(262144, reader.Snaplen);
    }

    [Fact]
    public void Read_OptionsAfterEndOfOptions_Ignored()
    {
        var file = new PcapNgBuilder().Section().Block(1, w => w.U16(1).U16(0).U32(0).U16(0).U16(0).U16(9).U16(2).U32(0)).Enhanced(0, 1, s_a).ToArray();
        Verdict.AssertSameAsLibpcap(file);
    }

    [Fact]
    public void Read_SectionVersion12_Accepted() =>
        Verdict.AssertSameAsLibpcap(new PcapNgBuilder().Section(minor: 2).Interface(1).Enhanced(0, 1, s_a).ToArray());

    private static string WriteTemp(byte[] file, out TempFile temp)
    {
        temp = new TempFile(file, ".pcapng");
        return temp.Path;
    }
}
