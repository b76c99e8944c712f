using System.Net;
using System.Net.Sockets;
using Bpf.Testing;

namespace Udpcap.Tests;

/// <summary>
/// Real kernel fragmentation: a sender inside a test namespace sends datagrams up to 60 KB over a veth pair
/// with MTU 1500; the host's kernel socket and a udpcap socket capturing on the host end must receive the
/// same payloads. Traffic stays between the test's own namespace and the host end of its veth pair.
/// </summary>
[Collection(LiveCollection.Name)]
public class LiveFragmentationTests
{
    [RootFact]
    public void FragmentedDatagramsThroughVeth_MatchTheKernelSocket()
    {
        using var ns = LiveBackend.Network("10.213.77.1", "10.213.77.2");
        using var kernel = new UdpClient(new IPEndPoint(IPAddress.Parse("10.213.77.1"), 0));
        var port = ((IPEndPoint)kernel.Client.LocalEndPoint!).Port;
        using var capture = UdpcapCapture.OpenLive(ns.NameA, LiveBackend.Open);
        using var socket = capture.CreateSocket();
        socket.Bind(IPAddress.Parse("10.213.77.1"), port);
        using var sender = ns.InsideB(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        var target = new IPEndPoint(IPAddress.Parse("10.213.77.1"), port);

        var random = new Random(11);
        kernel.Client.ReceiveTimeout = 5000;
        var buffer = new byte[65536];
        for (var i = 0; i < 30; i++)
        {
            var payload = new byte[i switch { 0 => 1, 1 => 1472, 2 => 1473, 3 => 60_000, _ => random.Next(1, 60_001) }];
            random.NextBytes(payload);
            sender.SendTo(payload, target);
            IPEndPoint? from = null;
            var expected = kernel.Receive(ref from);
            var result = socket.Receive(buffer, TimeSpan.FromSeconds(5));
            Assert.True(result.IsReceived, $"datagram {i} ({payload.Length} bytes) not received: {capture.Statistics}");
            Assert.Equal(payload, expected);
            Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(0, result.Length)), $"datagram {i} differs: {capture.Statistics}");
            Assert.Equal(from, result.Source.ToIPEndPoint());
        }
        Assert.Equal(0, capture.Statistics[DropReason.BadUdpChecksum]);
        // The pump frees the last datagram's reassembly buffer just after handing it over, so wait for that.
        Assert.True(SpinWait.SpinUntil(() => capture.Statistics.DatagramsInReassembly == 0, TimeSpan.FromSeconds(5)), $"{capture.Statistics}");
    }
}

/// <summary>Multicast from the test namespace over its veth pair: joined sockets receive, others do not.</summary>
[Collection(LiveCollection.Name)]
public class LiveMulticastTests
{
    [RootFact]
    public void MulticastThroughVeth_ReachesJoinedSocketsOnly()
    {
        using var ns = LiveBackend.Network("10.213.78.1", "10.213.78.2");
        var group = IPAddress.Parse("239.213.78.9");
        using var capture = UdpcapCapture.OpenLive(ns.NameA, LiveBackend.Open);
        using var joined = capture.CreateSocket();
        using var notJoined = capture.CreateSocket();
        const int Port = 47878;
        joined.Bind(IPAddress.Any, Port);
        joined.JoinMulticastGroup(group);
        notJoined.Bind(IPAddress.Any, Port);
        using var sender = ns.InsideB(() => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));

        var buffer = new byte[65536];
        for (var i = 0; i < 5; i++)
        {
            var payload = Enumerable.Range(0, 3000 + i).Select(b => (byte)(b * 31 + i)).ToArray(); // fragmented too
            sender.SendTo(payload, new IPEndPoint(group, Port));
            var result = joined.Receive(buffer, TimeSpan.FromSeconds(5));
            Assert.True(result.IsReceived, $"datagram {i}: {capture.Statistics}");
            Assert.Equal(payload, buffer[..result.Length]);
            Assert.Equal(new Ipv4EndPoint(Ipv4EndPoint.FromIPAddress(group), Port), result.Destination);
        }
        Assert.Equal(ReceiveStatus.TimedOut, notJoined.Receive(buffer, TimeSpan.FromMilliseconds(200)).Status);
    }
}
