using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Bpf.Vm.Capture;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// A one-line, tcpdump-like description of a packet (<c>12:00:00.000001 IP 10.0.0.1.53 &gt; 10.0.0.2.40000:
/// UDP, length 33</c>) for the link types live capture meets most; anything else is named by its
/// link type and length. Never reads past the captured bytes.
/// </summary>
internal static class PacketSummary
{
    public static string Describe(in CapturedPacket packet)
    {
        var time = DateTimeOffset.UnixEpoch.AddTicks(packet.Timestamp / 100)
            .ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        var body = Network(packet.Data, packet.LinkType) ?? $"{LinkTypes.Name(packet.LinkType)}, length {packet.WireLength}";
        return packet.Data.Length < packet.WireLength
            ? $"{time} {body} [captured {packet.Data.Length} of {packet.WireLength}]"
            : $"{time} {body}";
    }

    private static string? Network(ReadOnlySpan<byte> frame, LinkType linkType)
    {
        switch (linkType)
        {
            case LinkType.EN10MB:
                var offset = 12;
                while (frame.Length >= offset + 2)
                {
                    var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    if (type is 0x8100 or 0x88a8 or 0x9100)
                    {
                        offset += 4;
                        continue;
                    }
                    return ByEtherType(type, frame[(offset + 2)..]);
                }
                return null;
            case LinkType.LINUX_SLL:
                return frame.Length >= 16 ? ByEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..]) : null;
            case LinkType.LINUX_SLL2:
                return frame.Length >= 20 ? ByEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..]) : null;
            case LinkType.NULL or LinkType.LOOP:
                return frame.Length >= 4 ? Ip(frame[4..]) : null;
            case LinkType.RAW or LinkType.IPV4 or LinkType.IPV6:
                return Ip(frame);
            default:
                return null;
        }
    }

    private static string? ByEtherType(ushort type, ReadOnlySpan<byte> payload) => type switch
    {
        0x0800 or 0x86dd => Ip(payload),
        0x0806 => "ARP" + (payload.Length >= 28
            ? $", {(BinaryPrimitives.ReadUInt16BigEndian(payload[6..]) == 1 ? "Request who-has" : "Reply")} {new IPAddress(payload.Slice(24, 4))} tell {new IPAddress(payload.Slice(14, 4))}"
            : ""),
        _ => $"ethertype 0x{type:x4}, length {payload.Length}",
    };

    private static string? Ip(ReadOnlySpan<byte> ip)
    {
        if (ip.Length < 1)
            return null;
        if (ip[0] >> 4 == 4 && ip.Length >= 20)
        {
            var headerLength = (ip[0] & 0xf) * 4;
            var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1fff;
            var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            var transport = headerLength >= 20 && ip.Length >= headerLength && fragmentOffset == 0 ? ip[headerLength..] : [];
            return Transport("IP", new IPAddress(ip.Slice(12, 4)).ToString(), new IPAddress(ip.Slice(16, 4)).ToString(),
                ip[9], transport, Math.Max(0, totalLength - headerLength), fragmentOffset != 0);
        }
        if (ip[0] >> 4 == 6 && ip.Length >= 40)
            return Transport("IP6", new IPAddress(ip.Slice(8, 16)).ToString(), new IPAddress(ip.Slice(24, 16)).ToString(),
                ip[6], ip[40..], BinaryPrimitives.ReadUInt16BigEndian(ip[4..]), fragment: false);
        return null;
    }

    private static string Transport(string family, string source, string destination, byte protocol, ReadOnlySpan<byte> header, int length, bool fragment)
    {
        if (!fragment && protocol is 6 or 17 && header.Length >= 4)
        {
            var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(header);
            var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
            var name = protocol == 6 ? "TCP" : "UDP";
            var payload = protocol == 17 ? length - 8 : length - (header.Length >= 13 ? (header[12] >> 4) * 4 : 20);
            return $"{family} {source}.{sourcePort} > {destination}.{destinationPort}: {name}, length {Math.Max(0, payload)}";
        }
        var what = protocol switch { 1 => "ICMP", 2 => "IGMP", 6 => "TCP", 17 => "UDP", 58 => "ICMP6", 132 => "SCTP", _ => $"proto {protocol}" };
        return $"{family} {source} > {destination}: {what}{(fragment ? " (fragment)" : "")}, length {length}";
    }
}
