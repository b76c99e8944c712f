using Bpf.Vm;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile.Tests;

/// <summary>The stateless header parsers under the readers: short input asks for more, whole input is consumed.</summary>
public class HeaderParserTests
{
    [Fact]
    public void PcapFileHeader_TryRead_ShortInputReturnsFalse()
    {
        var bytes = new PcapBuilder(bigEndian: true, snaplen: 1234, linkType: 113).ToArray();
        Assert.False(PcapFileHeader.TryRead(bytes.AsSpan(0, 23), out _, out var consumed));
        Assert.Equal(0, consumed);
        Assert.True(PcapFileHeader.TryRead(bytes, out var header, out consumed));
        Assert.Equal(24, consumed);
        Assert.Equal((true, (ushort)2, (ushort)4, 1234u, LinkType.LINUX_SLL), (header.BigEndian, header.VersionMajor, header.VersionMinor, header.Snaplen, header.LinkType));
    }

    [Fact]
    public void PcapFileHeader_WriteThenTryRead_RoundTrips()
    {
        var bytes = new byte[PcapFileHeader.Size];
        PcapFileHeader.Write(bytes, TimestampPrecision.Nanoseconds, 96, LinkType.ATM_RFC1483);
        Assert.True(PcapFileHeader.TryRead(bytes, out var header, out _));
        Assert.Equal((TimestampPrecision.Nanoseconds, 96u, LinkType.ATM_RFC1483, 100u), (header.Precision, header.Snaplen, header.LinkType, header.LinkTypeField));
    }

    [Fact]
    public void PcapRecordHeader_TryRead_HonoursFileLayout()
    {
        var file = new PcapBuilder(magic: PcapFileHeader.KuznetzovMagic).ToArray();
        Assert.True(PcapFileHeader.TryRead(file, out var fileHeader, out _));
        var record = new byte[24];
        PcapRecordHeader.Write(record, 5, 6, 7, 8);
        Assert.False(PcapRecordHeader.TryRead(record.AsSpan(0, 16), fileHeader, out _, out _));
        Assert.True(PcapRecordHeader.TryRead(record, fileHeader, out var header, out var consumed));
        Assert.Equal(24, consumed);
        Assert.Equal(new PcapRecordHeader { Seconds = 5, Fraction = 6, CapturedLength = 7, OriginalLength = 8 }, header);
    }

    [Fact]
    public void PcapNgBlockHeader_TryRead_SectionHeaderSetsItsOwnByteOrder()
    {
        var bytes = new PcapNgBuilder().Section(bigEndian: true).ToArray();
        Assert.False(PcapNgBlockHeader.TryRead(bytes.AsSpan(0, 11), false, 1 << 20, 0, out _));
        Assert.True(PcapNgBlockHeader.TryRead(bytes, false, 1 << 20, 0, out var header));
        Assert.Equal(new PcapNgBlockHeader { Type = PcapNgBlockHeader.SectionHeaderType, TotalLength = 28, BigEndian = true }, header);
        Assert.Equal(16, header.Body(bytes, 0).Length);
    }

    [Fact]
    public void PcapNgBlockHeader_TryRead_OtherBlocksUseSectionOrder()
    {
        var bytes = new PcapNgBuilder { BigEndian = true }.Interface(1).ToArray();
        Assert.False(PcapNgBlockHeader.TryRead(bytes.AsSpan(0, 7), true, 1 << 20, 0, out _));
        Assert.True(PcapNgBlockHeader.TryRead(bytes, true, 1 << 20, 0, out var header));
        Assert.Equal((1u, 20u), (header.Type, header.TotalLength));
        var error = Assert.Throws<InvalidDataException>(() => PcapNgBlockHeader.TryRead(bytes, false, 1 << 20, 99, out _));
        Verdict.AssertError(error, 99, "type 16777216 has a length of 335544320 > maximum 1048576");
    }

    [Fact]
    public void PcapNgInterface_ToNanoseconds_AppliesResolutionAndOffset()
    {
        var description = new PcapNgInterface(LinkType.EN10MB, 100, 1000, binary: false, offsetSeconds: 10, fcsLength: null);
        Assert.Equal(11_234_000_000L, description.ToNanoseconds(1234));
        Assert.Equal(TimestampPrecision.Microseconds, description.Precision);
    }
}
