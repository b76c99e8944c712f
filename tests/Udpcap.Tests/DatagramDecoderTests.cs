using Bpf.Vm;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>The decoder alone, without a capture filter in front: every drop reason it owns.</summary>
public class DatagramDecoderTests
{
    private static readonly uint Sender = Ip("10.0.0.1");
    private static readonly uint Host = Ip("10.0.0.2");

    private sealed class ListSink : IDatagramSink
    {
        public List<byte[]> Payloads { get; } = [];

        public void Deliver(in UdpDatagram datagram) => Payloads.Add(datagram.Payload.ToArray());
    }

    private static (ListSink Sink, DropCounters Counters) Decode(LinkType linkType, params byte[][] frames) =>
        Decode(UdpcapOptions.Default, linkType, frames);

    private static (ListSink Sink, DropCounters Counters) Decode(UdpcapOptions options, LinkType linkType, params byte[][] frames)
    {
        var sink = new ListSink();
        var counters = new DropCounters();
        var decoder = new DatagramDecoder(options, sink, counters);
        foreach (var frame in frames)
            decoder.Process(frame, (uint)frame.Length, 0, linkType);
        return (sink, counters);
    }

    private static byte[] Good(string text = "x") =>
        Ipv4(Sender, Host, Udp(Sender, 1, Host, 2, System.Text.Encoding.ASCII.GetBytes(text)));

    [Fact]
    public void Ipv6OnRawIp_IsNotIpv4()
    {
        var packet = Good();
        packet[0] = 0x60;
        var (sink, counters) = Decode(LinkType.RAW, packet);
        Assert.Empty(sink.Payloads);
        Assert.Equal(1, counters[DropReason.NotIpv4]);
    }

    [Theory]
    [InlineData(0, 0x55)]    // version 5
    [InlineData(0, 0x44)]    // IHL 4
    [InlineData(2, 0x00)]    // total length below the header (high byte cleared, low byte 0x?? kept)
    public void InvalidIpHeader_IsBadIpHeader(int index, byte value)
    {
        var packet = Good();
        packet[index] = value;
        if (index == 2)
            packet[3] = 10;
        var (sink, counters) = Decode(UdpcapOptions.Default with { VerifyIpChecksum = false }, LinkType.IPV4, packet);
        Assert.Empty(sink.Payloads);
        Assert.Equal(1, counters[DropReason.BadIpHeader]);
    }

    [Fact]
    public void TotalLengthBeyondUncutFrame_IsBadIpHeader_NotTruncated()
    {
        var packet = Good();
        packet[3] += 4;
        var (_, counters) = Decode(UdpcapOptions.Default with { VerifyIpChecksum = false }, LinkType.IPV4, packet);
        Assert.Equal(1, counters[DropReason.BadIpHeader]);
        Assert.Equal(0, counters[DropReason.Truncated]);
    }

    [Fact]
    public void EthernetPadding_IsIgnored()
    {
        var frame = Ethernet(Good("p"));
        var padded = frame.Concat(new byte[64 - frame.Length]).ToArray();
        var (sink, _) = Decode(LinkType.EN10MB, padded);
        Assert.Equal([(byte)'p'], Assert.Single(sink.Payloads));
    }

    [Fact]
    public void UdpLengthBeyondPayload_IsBadUdpHeader()
    {
        var packet = Good();
        packet[24] = 0xFF;
        var (sink, counters) = Decode(LinkType.IPV4, packet);
        Assert.Empty(sink.Payloads);
        Assert.Equal(1, counters[DropReason.BadUdpHeader]);
    }

    [Fact]
    public void OtherProtocols_AreNotUdp()
    {
        var (_, counters) = Decode(LinkType.IPV4, Ipv4(Sender, Host, new byte[8], protocol: 6));
        Assert.Equal(1, counters[DropReason.NotUdp]);
    }

    [Fact]
    public void OffloadPendingChecksum_AcceptedOnlyByThatPolicy()
    {
        var packet = Good("offload");
        var udpLength = packet.Length - 20;
        var partial = InternetChecksum.Fold(InternetChecksum.PseudoHeader(Sender, Host, udpLength));
        packet[26] = (byte)(partial >> 8);
        packet[27] = (byte)partial;
        Assert.Empty(Decode(LinkType.IPV4, packet).Sink.Payloads);
        var lenient = UdpcapOptions.Default with { UdpChecksum = UdpChecksumPolicy.VerifyOrOffloadPending };
        Assert.Single(Decode(lenient, LinkType.IPV4, packet).Sink.Payloads);
    }

    [Fact]
    public void ShortEthernetFrame_IsMalformed()
    {
        var (_, counters) = Decode(LinkType.EN10MB, new byte[10]);
        Assert.Equal(1, counters[DropReason.MalformedFrame]);
    }
}
