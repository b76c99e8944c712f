using System.Buffers.Binary;
using Bpf.Vm;

namespace Udpcap.Tests;

/// <summary>Crafts IPv4/UDP packets and their fragments, with correct checksums unless told otherwise.</summary>
internal static class PacketBuilder
{
    public static uint Ip(string text) => Ipv4EndPoint.FromIPAddress(System.Net.IPAddress.Parse(text));

    /// <summary>The UDP segment (header + payload) with its checksum (or 0 when <paramref name="checksum"/> is false).</summary>
    public static byte[] Udp(uint src, ushort srcPort, uint dst, ushort dstPort, ReadOnlySpan<byte> payload, bool checksum = true)
    {
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, srcPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), dstPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp.AsSpan(8));
        if (checksum)
        {
            var sum = InternetChecksum.Compute(udp, InternetChecksum.PseudoHeader(src, dst, udp.Length));
            BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(6), sum == 0 ? (ushort)0xFFFF : sum);
        }
        return udp;
    }

    /// <summary>An IPv4 packet carrying <paramref name="body"/> at fragment <paramref name="offset"/> (bytes).</summary>
    public static byte[] Ipv4(uint src, uint dst, ReadOnlySpan<byte> body, ushort id = 1, int offset = 0, bool more = false, byte protocol = 17)
    {
        var packet = new byte[20 + body.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)((more ? 0x2000 : 0) | (offset / 8)));
        packet[8] = 64;
        packet[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), src);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), dst);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, 20)));
        body.CopyTo(packet.AsSpan(20));
        return packet;
    }

    /// <summary>Splits a UDP segment into IPv4 fragments of at most <paramref name="size"/> payload bytes (a multiple of 8).</summary>
    public static List<byte[]> Fragments(uint src, uint dst, byte[] udp, int size, ushort id)
    {
        var list = new List<byte[]>();
        for (var offset = 0; offset < udp.Length; offset += size)
        {
            var length = Math.Min(size, udp.Length - offset);
            list.Add(Ipv4(src, dst, udp.AsSpan(offset, length), id, offset, more: offset + length < udp.Length));
        }
        return list;
    }

    /// <summary>A fragment covering an arbitrary byte range of <paramref name="udp"/>.</summary>
    public static byte[] Fragment(uint src, uint dst, byte[] udp, int offset, int length, ushort id) =>
        Ipv4(src, dst, udp.AsSpan(offset, length), id, offset, more: offset + length < udp.Length);

    /// <summary>Wraps an IPv4 packet in an Ethernet frame, with optional VLAN tags (802.1ad outer, 802.1Q inner).</summary>
    public static byte[] Ethernet(byte[] ip, byte srcMacLast = 1, params ushort[] vlans)
    {
        var frame = new byte[14 + 4 * vlans.Length + ip.Length];
        frame[0] = 0x02; frame[5] = 0xEE;
        frame[6] = 0x02; frame[11] = srcMacLast;
        var at = 12;
        for (var i = 0; i < vlans.Length; i++, at += 4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), i == 0 && vlans.Length > 1 ? (ushort)0x88A8 : (ushort)0x8100);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at + 2), vlans[i]);
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), 0x0800);
        ip.CopyTo(frame.AsSpan(at + 2));
        return frame;
    }

    /// <summary>Frames an IPv4 packet for <paramref name="linkType"/>.</summary>
    public static byte[] Frame(LinkType linkType, byte[] ip)
    {
        byte[] header;
        switch (linkType)
        {
            case LinkType.EN10MB:
                return Ethernet(ip);
            case LinkType.LINUX_SLL:
                header = new byte[16];
                BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), 0x0800);
                break;
            case LinkType.LINUX_SLL2:
                header = new byte[20];
                BinaryPrimitives.WriteUInt16BigEndian(header, 0x0800);
                break;
            case LinkType.NULL:
                header = [2, 0, 0, 0]; // AF_INET, little-endian host
                break;
            case LinkType.LOOP:
                header = [0, 0, 0, 2];
                break;
            default:
                header = [];
                break;
        }
        return [.. header, .. ip];
    }
}
