namespace Capture.Pcapfile.Tests;

/// <summary>Damaged pcapng files: libpcap's verdict, and an error naming the damaged block's offset.</summary>
public class MalformedPcapNgTests
{
    private const int Shb = 28, Idb = 20, FirstPacket = Shb + Idb;
    private static readonly byte[] s_data = [1, 2, 3, 4, 5, 6, 7, 8];

    private static PcapNgBuilder Start(bool bigEndian = false) => new PcapNgBuilder().Section(bigEndian).Interface(1, snaplen: 100);

    private static int EpbLength => 32 + s_data.Length;

    [Theory]
    [InlineData(4u, "has a length of 4 < 12")]
    [InlineData(22u, "has a length of 22 that is not a multiple of 4")]
    [InlineData(0x7ffffff0u, "has a length of 2147483632 > maximum")]
    public void Read_BadBlockLength_Fails(uint length, string problem)
    {
        var file = Start().Enhanced(0, 1, s_data).Block(0x0BAD, w => w.U32(0), length: length).ToArray();
        var error = Verdict.AssertSameAsLibpcap(file);
        Verdict.AssertError(error, FirstPacket + EpbLength, problem);
        Assert.Single(Verdict.Ours(file).Packets);
    }

    [Fact]
    public void Read_TrailerMismatch_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Enhanced(0, 1, s_data).Block(6, w => w.U32(0), trailer: 20).ToArray()),
            FirstPacket + EpbLength, "total length 16 in header and 20 in trailer don't match");

    [Theory]
    [InlineData(3, "truncated block of type 6: 37 of 40 bytes")]
    [InlineData(36, "truncated block header: 4 bytes")]
    public void Read_TruncatedBlock_FailsAtBlockStart(int cut, string problem)
    {
        var file = Start().Enhanced(0, 1, s_data).Enhanced(0, 2, s_data).ToArray()[..^cut];
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), FirstPacket + EpbLength, problem);
    }

    [Fact]
    public void Read_NoInterface_FailsAtEnd() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(new PcapNgBuilder().Section().ToArray()), Shb, "no Interface Description Blocks");

    [Fact]
    public void Read_PacketBeforeInterface_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(new PcapNgBuilder().Section().Enhanced(0, 1, s_data).Interface(1).ToArray()),
            Shb, "packet block before any Interface Description Blocks");

    [Fact]
    public void Read_UnknownInterface_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Enhanced(1, 1, s_data).ToArray()), FirstPacket, "arrived on interface 1");

    [Fact]
    public void Read_NewSectionForgetsInterfaces()
    {
        var file = Start().Enhanced(0, 1, s_data).Section().Simple(8, s_data).ToArray();
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), FirstPacket + EpbLength + Shb, "no Interface Description Block for that interface");
    }

    [Fact]
    public void Read_CapturedLengthAboveSnaplen_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Enhanced(0, 1, new byte[104]).ToArray()), FirstPacket,
            "invalid packet capture length 104, bigger than snaplen of 100");

    [Fact]
    public void Read_CapturedLengthBeyondBlock_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Enhanced(0, 1, s_data, capturedLength: 12).ToArray()), FirstPacket,
            "block of type 6 is too short");

    [Theory]
    [InlineData(6u, 4)]
    [InlineData(2u, 16)]
    [InlineData(3u, 0)]
    [InlineData(1u, 4)]
    public void Read_BlockBodyTooShort_Fails(uint type, int bodyLength) =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Block(type, w => w.Raw(new byte[bodyLength])).ToArray()), FirstPacket, "too short");

    [Theory]
    [InlineData(new ushort[] { 9, 2 }, "if_tsresol option with length 2 != 1")]
    [InlineData(new ushort[] { 14, 4 }, "if_tsoffset option with length 4 != 8")]
    [InlineData(new ushort[] { 0, 4 }, "opt_endofopt option with length 4 != 0")]
    [InlineData(new ushort[] { 2, 40 }, "too short for option 2 of length 40")]
    public void Read_BadInterfaceOption_Fails(ushort[] option, string problem)
    {
        var file = new PcapNgBuilder().Section().Block(1, w => w.U16(1).U16(0).U32(0).U16(option[0]).U16(option[1]).Raw(new byte[8])).ToArray();
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), Shb, problem);
    }

    [Theory]
    [InlineData((byte)20, "resolution 10^-20 is too high")]
    [InlineData((byte)(0x80 | 64), "resolution 2^-64 is too high")]
    public void Read_ImpossibleResolution_Fails(byte tsresol, string problem) =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(new PcapNgBuilder().Section().Interface(1, tsresol: tsresol).ToArray()), Shb, problem);

    [Fact]
    public void Read_DuplicateResolution_Fails()
    {
        var file = new PcapNgBuilder().Section().Block(1, w => w.U16(1).U16(0).U32(0).U16(9).U16(1).U32(6).U16(9).U16(1).U32(9)).ToArray();
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), Shb, "more than one if_tsresol option");
    }

    [Theory]
    [InlineData(2, 0, 0, "unsupported pcapng savefile version 2.0")]
    [InlineData(1, 1, 0, "unsupported pcapng savefile version 1.1")]
    public void Open_UnsupportedVersion_Fails(ushort major, ushort minor, int offset, string problem) =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(new PcapNgBuilder().Section(major: major, minor: minor).Interface(1).ToArray()), offset, problem);

    [Fact]
    public void Read_LaterSectionWithBadMajorVersion_Fails() =>
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(Start().Section(major: 2).ToArray()), FirstPacket, "unsupported pcapng savefile version 2.0");

    [Fact]
    public void Read_LaterSectionWithBadByteOrderMagic_Fails()
    {
        var file = Start().Block(0x0A0D0D0A, w => w.U32(0x11223344).U32(1).U64(0)).ToArray();
        Verdict.AssertError(Verdict.AssertSameAsLibpcap(file), FirstPacket, "bad byte-order magic");
    }

    [Fact]
    public void Open_HugeFirstSection_Fails()
    {
        var file = new PcapNgBuilder().Section().ToArray();
        BitConverter.GetBytes(2u << 20).CopyTo(file, 4);
        Verdict.AssertError(Verdict.Ours(file).Error, 0, "section header block has a length of 2097152 > maximum 1048576");
    }

    [Fact]
    public void Open_FirstSectionTrailerMismatch_Fails()
    {
        // libpcap does not check the first section's trailer; we check every block alike.
        var file = new PcapNgBuilder().Block(0x0A0D0D0A, w => w.U32(0x1A2B3C4D).U16(1).U16(0).U64(0), trailer: 32).Interface(1).ToArray();
        Verdict.AssertError(Verdict.Ours(file).Error, 0, "don't match");
    }

    [Fact]
    public void Read_AfterError_KeepsFailingAtSameOffset()
    {
        var file = Start().Enhanced(0, 1, s_data).Enhanced(3, 1, s_data).ToArray();
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        Assert.True(reader.TryReadPacket(out _));
        var first = Assert.Throws<InvalidDataException>(() => reader.TryReadPacket(out _));
        var second = Assert.Throws<InvalidDataException>(() => reader.TryReadPacket(out _));
        Assert.Equal(FirstPacket + EpbLength, Packets.OffsetOf(second));
        Assert.Equal(first.Message, second.Message);
    }
}
