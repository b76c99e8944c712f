using Bpf.Vm;

namespace Capture.Pcapfile.Tests;

/// <summary>Seeded random packets written in every format and precision come back as written.</summary>
public class RoundTripTests
{
    public static TheoryData<CaptureFileFormat, TimestampPrecision, int> Cases() => new()
    {
        { CaptureFileFormat.Pcap, TimestampPrecision.Microseconds, 1 },
        { CaptureFileFormat.Pcap, TimestampPrecision.Nanoseconds, 2 },
        { CaptureFileFormat.PcapNg, TimestampPrecision.Microseconds, 3 },
        { CaptureFileFormat.PcapNg, TimestampPrecision.Nanoseconds, 4 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Write_RandomPackets_ReadBackAsWritten(CaptureFileFormat format, TimestampPrecision precision, int seed)
    {
        var random = new Random(seed);
        const int snaplen = 1500;
        var linkTypes = format == CaptureFileFormat.PcapNg ? new[] { LinkType.EN10MB, LinkType.RAW, LinkType.IEEE802_11_RADIO } : [LinkType.EN10MB];
        var expected = new List<Packet>();
        var stream = new MemoryStream();
        using (var writer = CaptureFileWriter.Create(stream, format, linkTypes[0], snaplen, precision, leaveOpen: true))
        {
            for (var i = 0; i < 2000; i++)
            {
                var data = new byte[random.Next(0, 2000)];
                random.NextBytes(data);
                var wire = (uint)(data.Length + random.Next(0, 100));
                var timestamp = random.NextInt64(-(1L << 31) * 1_000_000_000L, int.MaxValue * 1_000_000_000L);
                var linkType = linkTypes[random.Next(linkTypes.Length)];
                writer.Write(data, wire, timestamp, linkType);
                var stored = precision == TimestampPrecision.Nanoseconds ? timestamp : Timestamps.FloorDivide(timestamp, 1000, out _) * 1000;
                expected.Add(new Packet(data[..Math.Min(data.Length, snaplen)], wire, stored, linkType, Array.IndexOf(linkTypes, linkType)));
            }
        }
        // The writer's own link type is interface 0 (written up front, so even an empty file has one);
        // the others follow in the order in which they first appear.
        var order = expected.Select(p => p.LinkType).Prepend(linkTypes[0]).Distinct().ToList();
        expected = expected.Select(p => p with { InterfaceIndex = format == CaptureFileFormat.PcapNg ? order.IndexOf(p.LinkType) : 0 }).ToList();
        using var reader = CaptureFileReader.Open(new MemoryStream(stream.ToArray()));
        Assert.Equal((format, precision, snaplen), (reader.Format, reader.TimestampPrecision, reader.Snaplen));
        Verdict.AssertSamePackets(expected, Packets.ReadAll(reader));
    }
}
