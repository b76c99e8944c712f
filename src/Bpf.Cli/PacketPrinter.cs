using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Bpf.Cli;

/// <summary>How <see cref="PacketPrinter"/> prints: tcpdump's printing flags.</summary>
internal sealed record PrintOptions
{
    /// <summary><c>-q</c>: less protocol detail (TCP as <c>tcp LENGTH</c>, no DNS).</summary>
    public bool Quiet { get; init; }

    /// <summary><c>-e</c>: the link-level header (Ethernet addresses and ethertype).</summary>
    public bool LinkHeader { get; init; }

    /// <summary><c>-x</c>: the packet in hex after the line (from the network header on).</summary>
    public bool Hex { get; init; }

    /// <summary><c>-X</c>: hex and ASCII.</summary>
    public bool HexAscii { get; init; }

    /// <summary><c>-tttt</c>: the date with the time.</summary>
    public bool FullDate { get; init; }

    /// <summary><c>-#</c>: the packet's number (from 1) before each line.</summary>
    public bool Number { get; init; }

    /// <summary>Whether packets print at all (any printing flag, or <c>--print</c>).</summary>
    public bool Any => Quiet || LinkHeader || Hex || HexAscii || FullDate || Number;
}

/// <summary>
/// One line per packet in tcpdump's style (as <c>tcpdump -n</c> prints it): ARP, IPv4/IPv6, TCP
/// (flags, seq/ack relative after the first packet of a conversation, win, common options), UDP,
/// ICMP/ICMPv6 (type names, id, seq) and DNS (id, flags, question name and type, answers of common
/// types), with <c>-q</c>, <c>-e</c>, <c>-x</c>/<c>-X</c> and <c>-tttt</c>. Shared by <c>filter</c> and
/// <c>capture</c>. Never reads past the captured bytes: a cut header prints <c>[|proto]</c> as tcpdump does.
/// Holds the TCP conversations seen, so use one printer per run.
/// </summary>
internal sealed partial class PacketPrinter(PrintOptions options)
{
    private readonly Dictionary<TcpKey, (uint Seq, uint Ack)> _tcp = [];
    private long _printed;

    public PrintOptions Options { get; } = options;

    /// <summary>The packet's line (and hex lines after it with -x/-X, each starting with a newline and a tab).</summary>
    public string Format(in CapturedPacket packet)
    {
        var text = new StringBuilder();
        _printed++;
        if (Options.Number)
            text.Append(CultureInfo.InvariantCulture, $"{_printed,5}  ");
        var time = DateTimeOffset.UnixEpoch.AddTicks(packet.Timestamp / 100).ToLocalTime();
        text.Append(time.ToString(Options.FullDate ? "yyyy-MM-dd HH:mm:ss" : "HH:mm:ss", CultureInfo.InvariantCulture));
        text.Append(CultureInfo.InvariantCulture, $".{packet.Timestamp / 1000 % 1_000_000:D6} ");
        var networkOffset = Link(text, packet.Data, packet.LinkType, packet.WireLength);
        if (Options.Hex || Options.HexAscii)
        {
            var data = networkOffset >= 0 && networkOffset <= packet.Data.Length ? packet.Data[networkOffset..] : packet.Data;
            if (Options.HexAscii)
                HexAndAscii(text, data);
            else
                HexOnly(text, data);
        }
        return text.ToString();
    }

    /// <summary>Prints the link layer and what it carries; returns where the network header starts.</summary>
    private int Link(StringBuilder text, ReadOnlySpan<byte> frame, LinkType linkType, uint wireLength)
    {
        switch (linkType)
        {
            case LinkType.EN10MB:
                if (frame.Length < 14)
                {
                    text.Append("[|ether]");
                    return frame.Length;
                }
                var offset = 12;
                var type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                if (Options.LinkHeader)
                    text.Append(CultureInfo.InvariantCulture,
                        $"{Mac(frame[6..12])} > {Mac(frame[..6])}, ethertype {EtherTypeName(type)} (0x{type:x4}), length {wireLength}: ");
                while (type is 0x8100 or 0x88a8 or 0x9100 && frame.Length >= offset + 6)
                {
                    if (Options.LinkHeader)
                        text.Append(CultureInfo.InvariantCulture, $"vlan {BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]) & 0xfff}, p {frame[offset + 2] >> 5}, ");
                    offset += 4;
                    type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                    if (Options.LinkHeader)
                        text.Append(CultureInfo.InvariantCulture, $"ethertype {EtherTypeName(type)} (0x{type:x4}), ");
                }
                // 802.3 with an LLC/SNAP header carrying an ethertype (AA AA 03, OUI 0).
                if (type <= 1500 && !Options.LinkHeader && frame.Length >= offset + 10 && frame.Slice(offset + 2, 6).SequenceEqual(s_snap))
                {
                    offset += 8;
                    type = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
                }
                EtherType(text, type, frame[(offset + 2)..]);
                return offset + 2;
            case LinkType.LINUX_SLL:
                if (frame.Length < 16)
                    break;
                EtherType(text, BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..]);
                return 16;
            case LinkType.LINUX_SLL2:
                if (frame.Length < 20)
                    break;
                EtherType(text, BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..]);
                return 20;
            case LinkType.NULL or LinkType.LOOP:
                if (frame.Length < 4)
                    break;
                if (Options.LinkHeader)
                {
                    // The address family is in the writer's byte order (NULL) or big-endian (LOOP): tcpdump reads either.
                    var family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
                    if (linkType == LinkType.LOOP || (family & 0xffff0000) != 0)
                        family = BinaryPrimitives.ReverseEndianness(family);
                    var name = family switch { 2 => "IPv4", 24 or 28 or 30 => "IPv6", _ => "Unknown" };
                    text.Append(CultureInfo.InvariantCulture, $"AF {name} ({family}), length {wireLength}: ");
                }
                Ip(text, frame[4..]);
                return 4;
            case LinkType.RAW or LinkType.IPV4 or LinkType.IPV6:
                Ip(text, frame);
                return 0;
        }
        text.Append(CultureInfo.InvariantCulture, $"{LinkTypes.Name(linkType)}, length {wireLength}");
        return 0;
    }

    private static readonly byte[] s_snap = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00];

    private void EtherType(StringBuilder text, ushort type, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case 0x0800 or 0x86dd:
                Ip(text, payload);
                break;
            case 0x0806:
                Arp(text, payload);
                break;
            default:
                text.Append(CultureInfo.InvariantCulture, $"ethertype {EtherTypeName(type)} (0x{type:x4}), length {payload.Length}");
                break;
        }
    }

    private static string EtherTypeName(ushort type) => type switch
    {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x0806 => "ARP",
        0x8035 => "Reverse ARP",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x9100 => "802.1Q-9100",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x88cc => "LLDP",
        _ => "Unknown",
    };

    private void Arp(StringBuilder text, ReadOnlySpan<byte> arp)
    {
        if (!Options.LinkHeader)
            text.Append("ARP, ");
        // IPv4 ARP over any hardware (tcpdump's arp_print checks the protocol and its length, not the hardware type).
        var hardwareLength = arp.Length >= 6 ? arp[4] : 0;
        if (arp.Length < 8 || BinaryPrimitives.ReadUInt16BigEndian(arp[2..]) is not (0x0800 or 0x1000) || arp[5] != 4 || hardwareLength == 0
            || arp.Length < 8 + 2 * hardwareLength + 8)
        {
            text.Append(arp.Length < 8 + 2 * hardwareLength + 8 ? "[|ARP]" : $"length {arp.Length}");
            return;
        }
        var operation = BinaryPrimitives.ReadUInt16BigEndian(arp[6..]);
        var senderHardware = arp.Slice(8, hardwareLength);
        var sender = new IPAddress(arp.Slice(8 + hardwareLength, 4));
        var targetHardware = arp.Slice(12 + hardwareLength, hardwareLength);
        var target = new IPAddress(arp.Slice(12 + 2 * hardwareLength, 4));
        text.Append(operation switch
        {
            1 => $"Request who-has {target}{(targetHardware.IndexOfAnyExcept((byte)0) >= 0 ? $" ({Mac(targetHardware)})" : "")} tell {sender}",
            2 => $"Reply {sender} is-at {Mac(senderHardware)}",
            _ => $"opcode {operation}",
        });
        text.Append(CultureInfo.InvariantCulture, $", length {arp.Length}");
    }

    private void Ip(StringBuilder text, ReadOnlySpan<byte> ip)
    {
        if (ip.Length < 1)
        {
            text.Append("[|ip]");
            return;
        }
        if (ip[0] >> 4 == 4)
        {
            if (ip.Length < 20)
            {
                text.Append("IP [|ip]");
                return;
            }
            var headerLength = (ip[0] & 0xf) * 4;
            var totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            var flagsAndOffset = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
            var source = new IPAddress(ip.Slice(12, 4)).ToString();
            var destination = new IPAddress(ip.Slice(16, 4)).ToString();
            if (!Options.LinkHeader)
                text.Append("IP ");
            var payloadLength = Math.Max(0, totalLength - headerLength);
            if ((flagsAndOffset & 0x1fff) != 0 || headerLength < 20 || ip.Length < headerLength)
            {
                // A later fragment, as tcpdump -n prints one without -v.
                text.Append(CultureInfo.InvariantCulture, $"{source} > {destination}: {ProtocolName(ip[9])}");
                return;
            }
            var end = Math.Min(ip.Length, Math.Max(headerLength, (int)totalLength));
            Transport(text, source, destination, ip[9], ip[headerLength..end], payloadLength, v6: false);
            return;
        }
        if (ip[0] >> 4 == 6)
        {
            if (ip.Length < 40)
            {
                text.Append("IP6 [|ip6]");
                return;
            }
            if (!Options.LinkHeader)
                text.Append("IP6 ");
            var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            var end = Math.Min(ip.Length, 40 + payloadLength);
            Transport(text, new IPAddress(ip.Slice(8, 16)).ToString(), new IPAddress(ip.Slice(24, 16)).ToString(),
                ip[6], ip[40..end], payloadLength, v6: true);
            return;
        }
        text.Append(CultureInfo.InvariantCulture, $"unknown ip {ip[0] >> 4}");
    }

    private static string ProtocolName(byte protocol) => protocol switch
    {
        1 => "ICMP",
        2 => "IGMP",
        6 => "tcp",
        17 => "udp",
        58 => "ICMP6",
        _ => $"ip-proto-{protocol}",
    };

    private void Transport(StringBuilder text, string source, string destination, byte protocol, ReadOnlySpan<byte> header, int length, bool v6)
    {
        switch (protocol)
        {
            case 6:
                Tcp(text, source, destination, header, length);
                return;
            case 17:
                Udp(text, source, destination, header, length);
                return;
            case 1 when !v6:
                text.Append(CultureInfo.InvariantCulture, $"{source} > {destination}: ");
                Icmp(text, header, length);
                return;
            case 58 when v6:
                text.Append(CultureInfo.InvariantCulture, $"{source} > {destination}: ");
                Icmp6(text, header, length);
                return;
            default:
                text.Append(CultureInfo.InvariantCulture, $"{source} > {destination}: {ProtocolName(protocol)}, length {length}");
                return;
        }
    }

    private static string Mac(ReadOnlySpan<byte> mac) => Convert.ToHexStringLower(mac) switch
    {
        var hex => string.Join(':', Enumerable.Range(0, mac.Length).Select(i => hex.Substring(2 * i, 2))),
    };

    /// <summary><c>-x</c>: tcpdump's hex_print, 16 bytes a line in groups of two.</summary>
    private static void HexOnly(StringBuilder text, ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (i % 16 == 0)
                text.Append(CultureInfo.InvariantCulture, $"\n\t0x{i:x4}: ");
            if (i % 2 == 0)
                text.Append(' ');
            text.Append(CultureInfo.InvariantCulture, $"{data[i]:x2}");
        }
    }

    /// <summary><c>-X</c>: tcpdump's hex_and_ascii_print, the hex column padded to 40 characters.</summary>
    private static void HexAndAscii(StringBuilder text, ReadOnlySpan<byte> data)
    {
        for (var line = 0; line < data.Length; line += 16)
        {
            var chunk = data.Slice(line, Math.Min(16, data.Length - line));
            var hex = new StringBuilder();
            for (var i = 0; i < chunk.Length; i++)
            {
                if (i % 2 == 0)
                    hex.Append(' ');
                hex.Append(CultureInfo.InvariantCulture, $"{chunk[i]:x2}");
            }
            text.Append(CultureInfo.InvariantCulture, $"\n\t0x{line:x4}: {hex,-40}  ");
            foreach (var b in chunk)
                text.Append(b is > 0x20 and < 0x7f ? (char)b : '.');
        }
    }
}
