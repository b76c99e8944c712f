using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Capture.Npcap.Tests;

/// <summary>Real UDP sockets on 127.0.0.1 and the parsing of what a capture on <c>lo</c> sees.</summary>
internal sealed class Udp : IDisposable
{
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly List<Socket> _receivers = [];

    /// <summary>Binds a receiver on a free port of 127.0.0.1 (so datagrams are consumed, not answered with ICMP) and returns the port.</summary>
    public int BindFreePort()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receivers.Add(socket);
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Sends one datagram to 127.0.0.1:<paramref name="port"/>.</summary>
    public void Send(int port, ReadOnlySpan<byte> payload) => _sender.SendTo(payload, new IPEndPoint(IPAddress.Loopback, port));

    public void Dispose()
    {
        _sender.Dispose();
        foreach (var socket in _receivers)
            socket.Dispose();
    }

    /// <summary>A payload that names its test, its index and its destination, padded to <paramref name="length"/>.</summary>
    public static byte[] Payload(string tag, int index, int port, int length = 64, byte first = (byte)'#')
    {
        var text = System.Text.Encoding.ASCII.GetBytes($"{tag}:{index}:{port}:");
        var payload = new byte[Math.Max(length, text.Length + 1)];
        payload[0] = first;
        text.CopyTo(payload, 1);
        for (var i = text.Length + 1; i < payload.Length; i++)
            payload[i] = (byte)(i * 7 + index);
        return payload;
    }

    /// <summary>
    /// Reads an Ethernet + IPv4 + UDP frame (as captured on Linux <c>lo</c>): the destination port and
    /// the captured part of the payload, or false for anything else.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out int destinationPort, out ReadOnlySpan<byte> payload)
    {
        destinationPort = 0;
        payload = default;
        const int Ethernet = 14;
        if (frame.Length < Ethernet + 20 || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != 0x0800)
            return false;
        var ip = frame[Ethernet..];
        var headerLength = (ip[0] & 0xf) * 4;
        if (ip[9] != 17 || ip.Length < headerLength + 8)
            return false;
        var udp = ip[headerLength..];
        destinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        payload = udp[8..];
        return true;
    }

    /// <summary>The wire length of a UDP datagram with this payload on <c>lo</c> (Ethernet + IPv4 without options + UDP).</summary>
    public static int FrameLength(int payloadLength) => 14 + 20 + 8 + payloadLength;
}
