using System.Net;
using System.Net.Sockets;
using Bpf.Testing;

namespace Udpcap.Tests;

/// <summary>
/// Live capture on Linux <c>lo</c> as root: kernel UDP sockets send, a kernel socket and a udpcap socket on the
/// same port both receive, and the payloads must be identical. Traffic goes to 127.0.0.1 only.
/// </summary>
[Collection(LiveCollection.Name)]
public class LiveLoopbackTests
{
    [RootFact]
    public void KernelSentDatagrams_ArriveIdentically()
    {
        using var kernel = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)kernel.Client.LocalEndPoint!).Port;
        using var capture = UdpcapCapture.OpenLive("lo", LiveBackend.Open);
        using var socket = capture.CreateSocket();
        socket.ReceiveBufferSize = 4 << 20;
        socket.Bind(IPAddress.Loopback, port);
        Assert.Contains($"udp dst port {port}", capture.FilterExpression);

        var random = new Random(7);
        var sent = Enumerable.Range(0, 40).Select(i => new byte[i == 0 ? 0 : random.Next(1, 60_000)]).ToList();
        foreach (var payload in sent)
            random.NextBytes(payload);
        using var sender = new UdpClient();
        kernel.Client.ReceiveTimeout = 5000;
        var buffer = new byte[65536];
        // Lockstep, so neither receiver's buffer can overflow.
        for (var i = 0; i < sent.Count; i++)
        {
            sender.Send(sent[i], sent[i].Length, new IPEndPoint(IPAddress.Loopback, port));
            IPEndPoint? from = null;
            var expected = kernel.Receive(ref from);
            var result = socket.Receive(buffer, TimeSpan.FromSeconds(5));
            Assert.Equal(ReceiveStatus.Received, result.Status);
            Assert.True(expected.AsSpan().SequenceEqual(buffer.AsSpan(0, result.Length)), $"datagram {i}: {result.Length} vs {expected.Length}; {capture.Statistics}");
            Assert.Equal(sent[i], expected);
            Assert.Equal(from, result.Source.ToIPEndPoint());
        }
    }

    [RootFact]
    public void UnknownDevice_IsBackendUnavailable() =>
        Assert.Equal(UdpcapError.BackendUnavailable,
            Assert.Throws<UdpcapException>(() => UdpcapCapture.OpenLive("no-such-device0", LiveBackend.Open)).Error);
}
