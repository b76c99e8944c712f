using System.Net;
using Bpf.Vm;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>Crafted captures replayed through the whole stack into sockets.</summary>
public class ReplayTests
{
    private static readonly uint Sender = Ip("10.0.0.1");
    private static readonly uint Host = Ip("10.0.0.2");
    private static readonly uint Other = Ip("10.0.0.3");
    private static readonly uint Group = Ip("239.1.2.3");

    private static byte[] Datagram(uint dst, ushort port, string text, uint src = 0, bool checksum = true) =>
        Ipv4(src == 0 ? Sender : src, dst, Udp(src == 0 ? Sender : src, 4000, dst, port, System.Text.Encoding.ASCII.GetBytes(text), checksum));

    private static string Text(byte[] payload) => System.Text.Encoding.ASCII.GetString(payload);

    [Fact]
    public void Unicast_DeliversToBoundAddressAndAny_NotToOtherPortsOrAddresses()
    {
        using var replay = new Replay(LinkType.EN10MB,
            Ethernet(Datagram(Host, 5000, "one")),
            Ethernet(Datagram(Other, 5000, "two")),
            Ethernet(Datagram(Host, 5001, "three")));
        using var specific = replay.Capture.CreateSocket();
        using var any = replay.Capture.CreateSocket();
        specific.Bind(IPAddress.Parse("10.0.0.2"), 5000);
        any.Bind(IPAddress.Any, 5000);

        Assert.Equal(["one"], Replay.Drain(specific).Select(d => Text(d.Payload)));
        Assert.Equal(["one", "two"], Replay.Drain(any).Select(d => Text(d.Payload)));
        var first = Replay.Drain(any);
        Assert.Empty(first);
        Assert.Equal(1, replay.Capture.Statistics[DropReason.Filtered]); // port 5001 never reached the stack
    }

    [Fact]
    public void Unicast_ReportsEndpointsAndTimestamp()
    {
        using var replay = new Replay(LinkType.EN10MB, Ethernet(Datagram(Host, 5000, "hello")));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(new IPEndPoint(IPAddress.Any, 5000));
        var (result, payload) = Assert.Single(Replay.Drain(socket));
        Assert.Equal(new Ipv4EndPoint(Sender, 4000), result.Source);
        Assert.Equal(new Ipv4EndPoint(Host, 5000), result.Destination);
        Assert.Equal(1_000_000_000L, result.Timestamp);
        Assert.Equal("10.0.0.1:4000 -> 10.0.0.2:5000 5 68656c6c6f", DatagramLine.Format(result, payload));
    }

    [Fact]
    public void Multicast_OnlyJoinedSocketsReceive()
    {
        using var replay = new Replay(LinkType.EN10MB, Ethernet(Datagram(Group, 6000, "m1")), Ethernet(Datagram(Ip("239.9.9.9"), 6000, "m2")));
        using var joined = replay.Capture.CreateSocket();
        using var notJoined = replay.Capture.CreateSocket();
        joined.Bind(IPAddress.Any, 6000);
        joined.JoinMulticastGroup(IPAddress.Parse("239.1.2.3"));
        notJoined.Bind(IPAddress.Any, 6000);

        Assert.Contains("dst host 239.1.2.3", replay.Capture.FilterExpression);
        Assert.Equal(["m1"], Replay.Drain(joined).Select(d => Text(d.Payload)));
        Assert.Empty(Replay.Drain(notJoined));
    }

    [Fact]
    public void Multicast_LeaveStopsDelivery()
    {
        using var replay = new Replay(LinkType.EN10MB, Ethernet(Datagram(Group, 6000, "m1")));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 6000);
        socket.JoinMulticastGroup(IPAddress.Parse("239.1.2.3"));
        socket.LeaveMulticastGroup(IPAddress.Parse("239.1.2.3"));
        Assert.DoesNotContain("239.1.2.3", replay.Capture.FilterExpression);
        Assert.Empty(Replay.Drain(socket));
    }

    [Fact]
    public void Multicast_LoopbackOff_DropsOwnMulticastOnly()
    {
        var options = UdpcapOptions.Default with { OwnAddresses = [IPAddress.Parse("10.0.0.1")] };
        using var replay = new Replay(LinkType.EN10MB,
            [(Ethernet(Datagram(Group, 6000, "own")), 1L), (Ethernet(Datagram(Group, 6000, "foreign", src: Other)), 2L)], options: options);
        using var quiet = replay.Capture.CreateSocket();
        using var loud = replay.Capture.CreateSocket();
        foreach (var socket in new[] { quiet, loud })
        {
            socket.Bind(IPAddress.Any, 6000);
            socket.JoinMulticastGroup(IPAddress.Parse("239.1.2.3"));
        }
        quiet.MulticastLoopback = false;

        Assert.Equal(["foreign"], Replay.Drain(quiet).Select(d => Text(d.Payload)));
        Assert.Equal(["own", "foreign"], Replay.Drain(loud).Select(d => Text(d.Payload)));
        Assert.Equal(1, replay.Capture.Statistics[DropReason.MulticastLoopback]);
    }

    [Theory]
    [InlineData(new ushort[] { 100 })]
    [InlineData(new ushort[] { 100, 200 })]
    public void Vlan_TaggedFramesAreDelivered(ushort[] tags)
    {
        using var replay = new Replay(LinkType.EN10MB, Ethernet(Datagram(Host, 5000, "tagged"), 1, tags));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        Assert.Equal(["tagged"], Replay.Drain(socket).Select(d => Text(d.Payload)));
    }

    [Theory]
    [InlineData(LinkType.EN10MB)]
    [InlineData(LinkType.LINUX_SLL)]
    [InlineData(LinkType.LINUX_SLL2)]
    [InlineData(LinkType.NULL)]
    [InlineData(LinkType.LOOP)]
    [InlineData(LinkType.RAW)]
    [InlineData(LinkType.IPV4)]
    public void LinkTypes_AreDecoded(LinkType linkType)
    {
        using var replay = new Replay(linkType, Frame(linkType, Datagram(Host, 5000, "link")));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        Assert.Equal(["link"], Replay.Drain(socket).Select(d => Text(d.Payload)));
    }

    [Fact]
    public void BadChecksums_AreDroppedAndCounted_ZeroUdpChecksumMeansNone()
    {
        var badIp = Datagram(Host, 5000, "bad ip");
        badIp[10] ^= 0x55;
        var badUdp = Datagram(Host, 5000, "bad udp");
        badUdp[^1] ^= 0x01;
        using var replay = new Replay(LinkType.EN10MB, Ethernet(badIp), Ethernet(badUdp), Ethernet(Datagram(Host, 5000, "no sum", checksum: false)));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        Assert.Equal(["no sum"], Replay.Drain(socket).Select(d => Text(d.Payload)));
        Assert.Equal(1, replay.Capture.Statistics[DropReason.BadIpChecksum]);
        Assert.Equal(1, replay.Capture.Statistics[DropReason.BadUdpChecksum]);
    }

    [Fact]
    public void ChecksumChecksOff_DeliverBadChecksums()
    {
        var badUdp = Datagram(Host, 5000, "bad udp");
        badUdp[^1] ^= 0x01;
        var options = UdpcapOptions.Default with { UdpChecksum = UdpChecksumPolicy.Ignore };
        using var replay = new Replay(LinkType.EN10MB, [(Ethernet(badUdp), 1L)], options: options);
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        Assert.Equal(["bad udq"], Replay.Drain(socket).Select(d => Text(d.Payload)));
    }

    [Fact]
    public void TruncatedBySnaplen_IsNeverDeliveredShort()
    {
        var big = Ipv4(Sender, Host, Udp(Sender, 4000, Host, 5000, new byte[500]));
        using var replay = new Replay(LinkType.EN10MB, [(Ethernet(big), 1L), (Ethernet(Datagram(Host, 5000, "short")), 2L)], snaplen: 200);
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        Assert.Equal(["short"], Replay.Drain(socket).Select(d => Text(d.Payload)));
        Assert.Equal(1, replay.Capture.Statistics[DropReason.Truncated]);
    }
}

/// <summary>pcapng files whose interfaces differ in link type.</summary>
public class MixedLinkTypeReplayTests
{
    [Fact]
    public void PcapNgWithTwoLinkTypes_FiltersAndDecodesEach()
    {
        var path = Path.Combine(Path.GetTempPath(), $"udpcap-{Guid.NewGuid():N}.pcapng");
        try
        {
            var src = Ip("10.0.0.1");
            var dst = Ip("10.0.0.2");
            byte[] Datagram(ushort port, string text) => Ipv4(src, dst, Udp(src, 1, dst, port, System.Text.Encoding.ASCII.GetBytes(text)));
            using (var writer = Capture.Pcapfile.CaptureFileWriter.Create(path, Capture.Pcapfile.CaptureFileFormat.PcapNg, LinkType.EN10MB))
            {
                foreach (var (frame, linkType) in new[]
                {
                    (Ethernet(Datagram(5000, "eth")), LinkType.EN10MB),
                    (Frame(LinkType.LINUX_SLL, Datagram(5000, "sll")), LinkType.LINUX_SLL),
                    (Frame(LinkType.LINUX_SLL, Datagram(5001, "other port")), LinkType.LINUX_SLL),
                })
                    writer.Write(frame, (uint)frame.Length, 1, linkType);
            }
            using var capture = UdpcapCapture.Create(Capture.Pcapfile.CaptureFileReader.Open(path));
            using var socket = capture.CreateSocket();
            socket.Bind(IPAddress.Any, 5000);
            Assert.Equal(["eth", "sll"], Replay.Drain(socket).Select(d => System.Text.Encoding.ASCII.GetString(d.Payload)));
            Assert.Equal(1, capture.Statistics[DropReason.Filtered]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
