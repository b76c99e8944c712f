using Bpf.Vm;
using Capture.Pcapfile.Pcap;

namespace Capture.Pcapfile.Tests;

/// <summary>Each pcap header variant libpcap accepts, crafted and read by both.</summary>
public class PcapReaderTests
{
    private static readonly byte[] s_a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly byte[] s_b = [0xff, 0xee, 0xdd];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_MicrosecondFile_EitherByteOrder_DeliversPackets(bool bigEndian)
    {
        var file = new PcapBuilder(bigEndian: bigEndian).Record(1_700_000_000, 123456, s_a, wireLength: 60).Record(-5, 7, s_b).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        var packets = Packets.ReadAll(file);
        Assert.Equal(2, packets.Count);
        Assert.Equal(new Packet(s_a, 60, 1_700_000_000_123_456_000, LinkType.EN10MB, 0), packets[0]);
        // libpcap reads the seconds as signed in native-order files and unsigned in swapped ones.
        Assert.Equal(bigEndian ? 4294967291_000_007_000L : -5_000_000_000L + 7_000, packets[1].Timestamp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_NanosecondMagic_KeepsNanoseconds(bool bigEndian)
    {
        var file = new PcapBuilder(magic: PcapFileHeader.NanosecondMagic, bigEndian: bigEndian).Record(10, 999_999_999, s_a).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(TimestampPrecision.Nanoseconds, reader.TimestampPrecision);
        Assert.True(reader.TryReadPacket(out var packet));
        Assert.Equal(10_999_999_999L, packet.Timestamp);
    }

    [Theory]
    [InlineData(2, 0)]
    [InlineData(2, 2)]
    [InlineData(543, 0)]
    public void Read_OldVersions_SwapLengthFields(ushort major, ushort minor)
    {
        // Before 2.3 the original length came first.
        var file = new PcapBuilder(major: major, minor: minor).Record(1, 2, s_a, wireLength: 4, capturedLength: 100).ToArray();
        var rewritten = (byte[])file.Clone();
        BitConverter.GetBytes(10u).CopyTo(rewritten, 24 + 12); // original length field holds the captured length
        Verdict.AssertSameAsLibpcap(rewritten);
        var packet = Assert.Single(Packets.ReadAll(rewritten));
        Assert.Equal(s_a, packet.Data);
        Assert.Equal(100u, packet.WireLength);
    }

    [Fact]
    public void Read_Version23_SwapsOnlyWhenCapturedExceedsOriginal()
    {
        var file = new PcapBuilder(minor: 3).Record(1, 0, s_a, wireLength: 60).Record(2, 0, s_b, wireLength: 3).ToArray();
        var swapped = new PcapBuilder(minor: 3).Record(1, 0, s_a).ToArray();
        BitConverter.GetBytes(60u).CopyTo(swapped, 24 + 8);
        BitConverter.GetBytes(10u).CopyTo(swapped, 24 + 12);
        Verdict.AssertSameAsLibpcap(file);
        Verdict.AssertSameAsLibpcap(swapped);
        Assert.Equal(60u, Assert.Single(Packets.ReadAll(swapped)).WireLength);
    }

    [Fact]
    public void Read_KuznetzovFile_SkipsExtendedHeaderAndWidensEthernetSnaplen()
    {
        var builder = new PcapBuilder(magic: PcapFileHeader.KuznetzovMagic, snaplen: 96);
        builder.U32(3).U32(4).U32((uint)s_a.Length).U32(64).U32(7).U16(0x0800).Raw(0, 0).Raw(s_a);
        var file = builder.ToArray();
        Verdict.AssertSameAsLibpcap(file);
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(96 + 14, reader.Snaplen);
        Assert.True(reader.TryReadPacket(out var packet));
        Assert.Equal(s_a, packet.Data.ToArray());
        Assert.Equal(3_000_004_000L, packet.Timestamp);
    }

    [Fact]
    public void Read_FcsBits_ReportsFcsLengthAndLinkType()
    {
        var file = new PcapBuilder(linkType: 0x24000000u | 105).Record(0, 0, s_a).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(LinkType.IEEE802_11, reader.LinkType);
        Assert.Equal(4, reader.FcsLength);
    }

    [Fact]
    public void Read_NoFcsBit_FcsLengthUnknown()
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(new PcapBuilder().ToArray()));
        Assert.Null(reader.FcsLength);
        Assert.False(reader.TryReadPacket(out _));
    }

    [Theory]
    [InlineData(101u, LinkType.RAW)]
    [InlineData(100u, LinkType.ATM_RFC1483)]
    [InlineData(106u, LinkType.ATM_CLIP)]
    [InlineData(113u, LinkType.LINUX_SLL)]
    public void Read_RenumberedLinkTypes_MapToDlt(uint fileValue, LinkType expected)
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(new PcapBuilder(linkType: fileValue).ToArray()));
        Assert.Equal(expected, reader.LinkType);
    }

    [Fact]
    public void Read_CapturedLengthAboveSnaplen_CutToSnaplenLikeLibpcap()
    {
        var big = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var file = new PcapBuilder(snaplen: 100).Record(1, 1, big).Record(2, 2, s_b).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        var packets = Packets.ReadAll(file);
        Assert.Equal(big[..100], packets[0].Data);
        Assert.Equal(300u, packets[0].WireLength);
        Assert.Equal(s_b, packets[1].Data);
    }

    [Theory]
    [InlineData(0u, 262144)]
    [InlineData(0x80000000u, 262144)]
    [InlineData(1500u, 1500)]
    public void Read_Snaplen_AdjustedLikeLibpcap(uint stored, int expected)
    {
        using var reader = PcapReaderFor(new PcapBuilder(snaplen: stored).ToArray());
        Assert.Equal(expected, reader.Snaplen);
    }

    [Fact]
    public void Read_DbusFile_AllowsLargePackets()
    {
        var large = new byte[300_000];
        large[^1] = 42;
        var file = new PcapBuilder(snaplen: 0, linkType: 231).Record(0, 0, large).ToArray();
        Verdict.AssertSameAsLibpcap(file);
        Assert.Equal(42, Assert.Single(Packets.ReadAll(file)).Data[^1]);
    }

    [Fact]
    public void Read_TricklingUnseekableStream_SamePackets()
    {
        var path = Bpf.Testing.TestData.Corpus("LINUX_SLL");
        var expected = Packets.ReadAll(path);
        using var reader = CaptureFileReader.Open(new TricklingStream(File.ReadAllBytes(path)));
        Assert.Equal(expected, Packets.ReadAll(reader));
    }

    [Fact]
    public void Position_AfterEachPacket_IsTheNextRecordOffset()
    {
        var file = new PcapBuilder().Record(1, 0, s_a).Record(2, 0, s_b).ToArray();
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.Equal(24, reader.Position);
        Assert.True(reader.TryReadPacket(out _));
        Assert.Equal(24 + 16 + s_a.Length, reader.Position);
        Assert.True(reader.TryReadPacket(out _));
        Assert.Equal(file.Length, reader.Position);
    }

    private static PcapReader PcapReaderFor(byte[] file) => new(new MemoryStream(file));
}

/// <summary>An unseekable stream returning at most 7 bytes per read, to exercise buffer refills.</summary>
internal sealed class TricklingStream(byte[] data) : Stream
{
    private int _position;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, 7), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
