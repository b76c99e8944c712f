namespace Capture.Pcapfile.Tests;

/// <summary>Damaged pcap files: the packets before the damage, then an error naming its offset.</summary>
public class MalformedPcapTests
{
    private static readonly byte[] s_data = [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [InlineData(new byte[0], "truncated file: 0 bytes")]
    [InlineData(new byte[] { 0xd4, 0xc3 }, "truncated file: 2 bytes")]
    [InlineData(new byte[] { 0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0 }, "unknown file format")]
    public void Open_NotACapture_FailsAtOffsetZero(byte[] file, string problem) =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), 0, problem);

    [Fact]
    public void Open_TruncatedFileHeader_FailsAtOffsetZero()
    {
        var file = new PcapBuilder().ToArray()[..20];
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), 0, "truncated file header: 20 of 24 bytes");
    }

    [Theory]
    [InlineData(1, 4, "archaic pcap savefile format version 1.4")]
    [InlineData(2, 5, "unsupported pcap savefile version 2.5")]
    [InlineData(3, 0, "unsupported pcap savefile version 3.0")]
    [InlineData(543, 1, "unsupported pcap savefile version 543.1")]
    public void Open_UnsupportedVersion_FailsAtVersionField(ushort major, ushort minor, string problem) =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(new PcapBuilder(major: major, minor: minor).ToArray()), 4, problem);

    [Theory]
    [InlineData(0x00010001u)]
    [InlineData(0x02000001u)]
    [InlineData(0x08000001u)]
    public void Open_ReservedLinkTypeBits_FailsAtLinkTypeField(uint linkType)
    {
        // libpcap masks these bits into the link type value instead; the format reserves them.
        var (packets, error) = Verdict.Ours(new PcapBuilder(linkType: linkType).Record(0, 0, s_data).ToArray());
        Assert.Empty(packets);
        Verdict.AssertError(error, 20, "reserved bits set in link type field");
    }

    [Fact]
    public void Read_TruncatedRecordHeader_DeliversEarlierPacketsThenFails()
    {
        var file = new PcapBuilder().Record(1, 0, s_data).Record(2, 0, s_data).ToArray();
        var cut = file[..(file.Length - s_data.Length - 5)];
        var error = Verdict.AssertSameAsLibpcap(cut);
        Verdict.AssertError(error, 24 + 16 + s_data.Length, "truncated record header: 11 of 16 bytes");
        Assert.Single(Verdict.Ours(cut).Packets);
    }

    [Fact]
    public void Read_TruncatedRecordData_FailsAtRecordStart()
    {
        var file = new PcapBuilder().Record(1, 0, s_data).Record(2, 0, s_data).ToArray();
        var error = Verdict.AssertSameAsLibpcap(file[..^3]);
        Verdict.AssertError(error, 24 + 16 + s_data.Length, "truncated record: 5 of 8 captured bytes");
    }

    [Fact]
    public void Read_CapturedLengthAboveMaximumAndSnaplen_Fails()
    {
        var file = new PcapBuilder(snaplen: 65535).Record(1, 0, s_data).Record(2, 0, s_data, capturedLength: 262145).ToArray();
        var error = Verdict.AssertSameAsLibpcap(file);
        Verdict.AssertError(error, 24 + 16 + s_data.Length, "invalid packet capture length 262145, bigger than snaplen of 65535");
    }

    [Fact]
    public void Read_CapturedLengthAboveMaximumButNotSnaplen_Fails()
    {
        var file = new PcapBuilder(snaplen: 0x7fffffff).Record(2, 0, s_data, capturedLength: 0x7ffffff0).ToArray();
        var error = Verdict.AssertSameAsLibpcap(file);
        Verdict.AssertError(error, 24, "bigger than maximum of 262144");
    }

    [Fact]
    public void Read_HugeCapturedLengthInShortDbusFile_FailsWithoutAllocatingIt()
    {
        // DBUS allows 128 MiB packets; the file has only a few bytes, so the buffer must not grow to 128 MiB.
        var file = new PcapBuilder(snaplen: 0, linkType: 231).Record(2, 0, s_data, capturedLength: 100_000_000).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Verdict.Ours(file).Error;
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated more than 16 MiB");
        Verdict.AssertError(error, 24, "truncated record: 8 of 100000000 captured bytes");
    }

    [Fact]
    public void Read_AfterError_KeepsFailingAtSameOffsetWithoutConsuming()
    {
        var file = new PcapBuilder().Record(1, 0, s_data).ToArray()[..30];
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        var first = Assert.Throws<InvalidDataException>(() => reader.TryReadPacket(out _));
        var second = Assert.Throws<InvalidDataException>(() => reader.TryReadPacket(out _));
        Assert.Equal(first.Message, second.Message);
    }
}
