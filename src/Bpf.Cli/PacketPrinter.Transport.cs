using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>TCP, UDP, ICMP, ICMPv6 and DNS as tcpdump 4.99 prints them with <c>-n</c> (print-tcp.c, print-udp.c, print-icmp.c, print-icmp6.c, print-domain.c).</summary>
internal sealed partial class PacketPrinter
{
    /// <summary>A TCP conversation, its lower endpoint first (tcpdump's tcp_seq_hash key).</summary>
    private readonly record struct TcpKey(string Low, int LowPort, string High, int HighPort);

    private void Tcp(StringBuilder text, string source, string destination, ReadOnlySpan<byte> tcp, int length)
    {
        if (tcp.Length < 20)
        {
            var ports = tcp.Length >= 4 ? $".{BinaryPrimitives.ReadUInt16BigEndian(tcp)} > {destination}.{BinaryPrimitives.ReadUInt16BigEndian(tcp[2..])}" : $" > {destination}";
            text.Append(CultureInfo.InvariantCulture, $"{source}{ports}: [|tcp]");
            return;
        }
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
        var headerLength = (tcp[12] >> 4) * 4;
        var payload = length - headerLength;
        text.Append(CultureInfo.InvariantCulture, $"{source}.{sourcePort} > {destination}.{destinationPort}: ");
        if (Options.Quiet)
        {
            text.Append(CultureInfo.InvariantCulture, $"tcp {Math.Max(0, payload)}");
            return;
        }
        if (headerLength < 20 || headerLength > length)
        {
            text.Append(CultureInfo.InvariantCulture, $"tcp {length} [bad hdr length {headerLength} - too short, < 20]");
            return;
        }
        var seq = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        var ack = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]);
        var flags = tcp[13];
        var window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]);
        var urgent = BinaryPrimitives.ReadUInt16BigEndian(tcp[18..]);
        const byte Fin = 0x01, Syn = 0x02, Rst = 0x04, Ack = 0x10, Urg = 0x20;
        uint sackBase = 0;
        if ((flags & Ack) != 0)
        {
            // Relative sequence numbers, as tcpdump without -S: the conversation's first packet sets the base.
            var comparison = string.CompareOrdinal(source, destination);
            var reversed = comparison > 0 || (comparison == 0 && sourcePort > destinationPort);
            var key = reversed ? new TcpKey(destination, destinationPort, source, sourcePort) : new TcpKey(source, sourcePort, destination, destinationPort);
            if (!_tcp.TryGetValue(key, out var bases) || (flags & Syn) != 0)
                _tcp[key] = reversed ? (ack - 1, seq) : (seq, ack - 1);
            else if (reversed)
            {
                seq -= bases.Ack;
                ack -= bases.Seq;
            }
            else
            {
                seq -= bases.Seq;
                ack -= bases.Ack;
            }
            // SACK blocks are relative to the sequence space of the data acknowledged (print-tcp.c).
            var stored = _tcp[key];
            sackBase = reversed ? stored.Seq : stored.Ack;
        }
        text.Append("Flags [").Append(TcpFlags(flags)).Append(']');
        if (payload > 0 || (flags & (Syn | Fin | Rst)) != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", seq {seq}");
            if (payload > 0)
                text.Append(CultureInfo.InvariantCulture, $":{seq + (uint)payload}");
        }
        if ((flags & Ack) != 0)
            text.Append(CultureInfo.InvariantCulture, $", ack {ack}");
        text.Append(CultureInfo.InvariantCulture, $", win {window}");
        if ((flags & Urg) != 0)
            text.Append(CultureInfo.InvariantCulture, $", urg {urgent}");
        if (headerLength > 20)
        {
            if (tcp.Length < headerLength)
            {
                text.Append(", options [|tcp]");
                return;
            }
            text.Append(", options [").Append(TcpOptions(tcp[20..headerLength], sackBase)).Append(']');
        }
        text.Append(CultureInfo.InvariantCulture, $", length {Math.Max(0, payload)}");
    }

    private static string TcpFlags(byte flags)
    {
        var text = new StringBuilder();
        foreach (var (bit, letter) in s_tcpFlags)
            if ((flags & bit) != 0)
                text.Append(letter);
        return text.Length == 0 ? "none" : text.ToString();
    }

    private static readonly (byte Bit, char Letter)[] s_tcpFlags =
        [(0x01, 'F'), (0x02, 'S'), (0x04, 'R'), (0x08, 'P'), (0x10, '.'), (0x20, 'U'), (0x40, 'E'), (0x80, 'W')];

    private static string TcpOptions(ReadOnlySpan<byte> options, uint sackBase)
    {
        var parts = new List<string>();
        for (var i = 0; i < options.Length;)
        {
            var kind = options[i];
            if (kind == 0)
            {
                // tcpdump stops at the end-of-list option.
                parts.Add("eol");
                break;
            }
            if (kind == 1)
            {
                parts.Add("nop");
                i++;
                continue;
            }
            if (i + 1 >= options.Length || options[i + 1] < 2 || i + options[i + 1] > options.Length)
            {
                parts.Add("[bad opt]");
                break;
            }
            var value = options.Slice(i + 2, options[i + 1] - 2);
            parts.Add(kind switch
            {
                2 when value.Length == 2 => $"mss {BinaryPrimitives.ReadUInt16BigEndian(value)}",
                3 when value.Length == 1 => $"wscale {value[0]}",
                4 when value.Length == 0 => "sackOK",
                5 when value.Length % 8 == 0 => Sack(value, sackBase),
                8 when value.Length == 8 => $"TS val {BinaryPrimitives.ReadUInt32BigEndian(value)} ecr {BinaryPrimitives.ReadUInt32BigEndian(value[4..])}",
                _ => $"unknown-{kind} 0x{Convert.ToHexStringLower(value)}",
            });
            i += options[i + 1];
        }
        return string.Join(',', parts);
    }

    private static string Sack(ReadOnlySpan<byte> blocks, uint sackBase)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"sack {blocks.Length / 8} ");
        for (var b = 0; b < blocks.Length; b += 8)
            text.Append(CultureInfo.InvariantCulture, $"{{{BinaryPrimitives.ReadUInt32BigEndian(blocks[b..]) - sackBase}:{BinaryPrimitives.ReadUInt32BigEndian(blocks[(b + 4)..]) - sackBase}}}");
        return text.ToString();
    }

    private void Udp(StringBuilder text, string source, string destination, ReadOnlySpan<byte> udp, int length)
    {
        if (udp.Length < 8)
        {
            text.Append(CultureInfo.InvariantCulture, $"{source} > {destination}: [|udp]");
            return;
        }
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(udp);
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(udp[2..]);
        var udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        text.Append(CultureInfo.InvariantCulture, $"{source}.{sourcePort} > {destination}.{destinationPort}: ");
        var payloadLength = Math.Max(0, Math.Min(udpLength, length) - 8);
        if (!Options.Quiet && (sourcePort == 53 || destinationPort == 53) && Dns(text, udp[8..], payloadLength))
            return;
        // -q prints the UDP header's own length (a first fragment's whole datagram); otherwise what the IP length allows.
        text.Append(CultureInfo.InvariantCulture, $"UDP, length {(Options.Quiet ? Math.Max(0, udpLength - 8) : payloadLength)}");
    }

    private static void Icmp(StringBuilder text, ReadOnlySpan<byte> icmp, int length)
    {
        if (icmp.Length < 4)
        {
            text.Append("ICMP [|icmp]");
            return;
        }
        var type = icmp[0];
        var code = icmp[1];
        string what;
        switch (type)
        {
            case 0 or 8 when icmp.Length >= 8:
                what = $"echo {(type == 8 ? "request" : "reply")}, id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])}, seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}";
                break;
            case 3:
                what = Unreachable(icmp, code);
                break;
            case 4:
                what = "source quench";
                break;
            case 11:
                what = code == 0 ? "time exceeded in-transit" : code == 1 ? "time exceeded in-reassembly" : $"time exceeded-#{code}";
                break;
            case 13 or 14:
                what = $"time stamp {(type == 13 ? "query" : "reply")} id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])} seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}";
                break;
            default:
                what = type switch { 5 => "redirect", 9 => "router advertisement", 10 => "router solicitation", 12 => "parameter problem", _ => $"type-#{type}" };
                break;
        }
        text.Append(CultureInfo.InvariantCulture, $"ICMP {what}, length {length}");
    }

    private static string Unreachable(ReadOnlySpan<byte> icmp, byte code)
    {
        // The quoted datagram names the unreachable host (and, for ports, the protocol and port).
        var inner = icmp.Length >= 28 ? icmp[8..] : [];
        var host = inner.Length >= 20 ? new IPAddress(inner.Slice(16, 4)).ToString() : "?";
        return code switch
        {
            0 => $"net {host} unreachable",
            1 => $"host {host} unreachable",
            2 => $"{host} protocol {(inner.Length >= 20 ? inner[9] : 0)} unreachable",
            3 when inner.Length >= 20 + 4 && (inner[0] & 0xf) * 4 is var ihl && inner.Length >= ihl + 4 =>
                $"{host} {(inner[9] == 6 ? "tcp" : inner[9] == 17 ? "udp" : $"ip-proto-{inner[9]}")} port {BinaryPrimitives.ReadUInt16BigEndian(inner[(ihl + 2)..])} unreachable",
            _ => $"{host} unreachable - #{code}",
        };
    }

    private static void Icmp6(StringBuilder text, ReadOnlySpan<byte> icmp, int length)
    {
        if (icmp.Length < 4)
        {
            text.Append("ICMP6 [|icmp6]");
            return;
        }
        var type = icmp[0];
        var what = type switch
        {
            128 or 129 when icmp.Length >= 8 =>
                $"echo {(type == 128 ? "request" : "reply")}, id {BinaryPrimitives.ReadUInt16BigEndian(icmp[4..])}, seq {BinaryPrimitives.ReadUInt16BigEndian(icmp[6..])}",
            135 when icmp.Length >= 24 => $"neighbor solicitation, who has {new IPAddress(icmp.Slice(8, 16))}",
            136 when icmp.Length >= 24 => $"neighbor advertisement, tgt is {new IPAddress(icmp.Slice(8, 16))}",
            133 => "router solicitation",
            134 => "router advertisement",
            1 => "destination unreachable",
            2 => "packet too big",
            3 => "time exceeded in-transit",
            4 => "parameter problem",
            130 => "multicast listener query",
            131 => "multicast listener report",
            132 => "multicast listener done",
            143 => "multicast listener report v2",
            _ => $"type-#{type}",
        };
        text.Append(CultureInfo.InvariantCulture, $"ICMP6, {what}, length {length}");
    }

    /// <summary>DNS as tcpdump prints it without -v; false when the message is too short to start (printed as plain UDP then).</summary>
    private static bool Dns(StringBuilder text, ReadOnlySpan<byte> dns, int length)
    {
        if (dns.Length < 12)
            return false;
        var id = BinaryPrimitives.ReadUInt16BigEndian(dns);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(dns[2..]);
        int questions = BinaryPrimitives.ReadUInt16BigEndian(dns[4..]), answers = BinaryPrimitives.ReadUInt16BigEndian(dns[6..]);
        int authorities = BinaryPrimitives.ReadUInt16BigEndian(dns[8..]), additional = BinaryPrimitives.ReadUInt16BigEndian(dns[10..]);
        var opcode = (flags >> 11) & 0xf;
        var line = new StringBuilder();
        line.Append(id.ToString(CultureInfo.InvariantCulture)).Append(s_dnsOpcodes[opcode]);
        var position = 12;
        if ((flags & 0x8000) != 0)
        {
            line.Append(DnsRcode(flags & 0xf));
            if ((flags & 0x0400) != 0)
                line.Append('*');
            if ((flags & 0x0080) == 0)
                line.Append('-');
            if ((flags & 0x0200) != 0)
                line.Append('|');
            if ((flags & 0x0020) != 0)
                line.Append('$');
            if (questions != 1)
                line.Append(CultureInfo.InvariantCulture, $" [{questions}q]");
            // The question is printed only with -vv; skip it.
            for (var q = 0; q < questions; q++)
                if (SkipName(dns, ref position) is false || (position += 4) > dns.Length)
                    return Cut(text, line);
            line.Append(CultureInfo.InvariantCulture, $" {answers}/{authorities}/{additional}");
            for (var a = 0; a < answers; a++)
            {
                if (a > 0)
                    line.Append(',');
                if (!Record(dns, ref position, line))
                    return Cut(text, line);
            }
        }
        else
        {
            if ((flags & 0x0100) != 0)
                line.Append('+');
            if ((flags & 0x0010) != 0)
                line.Append('%');
            if ((flags & 0x6cf) != 0)
                line.Append(CultureInfo.InvariantCulture, $" [b2&3=0x{flags:x}]");
            if (questions != 1)
                line.Append(CultureInfo.InvariantCulture, $" [{questions}q]");
            if (answers != 0)
                line.Append(CultureInfo.InvariantCulture, $" [{answers}a]");
            if (authorities != 0)
                line.Append(CultureInfo.InvariantCulture, $" [{authorities}n]");
            if (additional != 0)
                line.Append(CultureInfo.InvariantCulture, $" [{additional}au]");
            if (questions > 0)
            {
                var name = ReadName(dns, ref position);
                if (name is null || position + 4 > dns.Length)
                    return Cut(text, line);
                var qtype = BinaryPrimitives.ReadUInt16BigEndian(dns[position..]);
                line.Append(CultureInfo.InvariantCulture, $" {DnsType(qtype)}? {name}");
            }
        }
        text.Append(line).Append(CultureInfo.InvariantCulture, $" ({length})");
        return true;
    }

    private static bool Cut(StringBuilder text, StringBuilder line)
    {
        text.Append(line).Append(" [|domain]");
        return true;
    }

    private static bool Record(ReadOnlySpan<byte> dns, ref int position, StringBuilder line)
    {
        if (ReadName(dns, ref position) is null || position + 10 > dns.Length)
            return false;
        var type = BinaryPrimitives.ReadUInt16BigEndian(dns[position..]);
        var dataLength = BinaryPrimitives.ReadUInt16BigEndian(dns[(position + 8)..]);
        position += 10;
        if (position + dataLength > dns.Length)
            return false;
        var data = dns.Slice(position, dataLength);
        line.Append(' ').Append(DnsType(type));
        switch (type)
        {
            case 1 when dataLength == 4:
            case 28 when dataLength == 16:
                line.Append(' ').Append(new IPAddress(data));
                break;
            case 2 or 5 or 12:
                var at = position;
                line.Append(' ').Append(ReadName(dns, ref at) ?? "[|domain]");
                break;
            case 15 when dataLength >= 3:
                var mx = position + 2;
                line.Append(' ').Append(ReadName(dns, ref mx) ?? "[|domain]").Append(CultureInfo.InvariantCulture, $" {BinaryPrimitives.ReadUInt16BigEndian(data)}");
                break;
        }
        position += dataLength;
        return true;
    }

    /// <summary>A name with compression pointers, printed as tcpdump does (trailing dot; the root as "."); null when cut or looping.</summary>
    private static string? ReadName(ReadOnlySpan<byte> dns, ref int position)
    {
        var name = new StringBuilder();
        var at = position;
        var jumped = false;
        for (var hops = 0; hops < 128; hops++)
        {
            if (at >= dns.Length)
                return null;
            var size = dns[at];
            if ((size & 0xc0) == 0xc0)
            {
                if (at + 1 >= dns.Length)
                    return null;
                if (!jumped)
                    position = at + 2;
                jumped = true;
                at = ((size & 0x3f) << 8) | dns[at + 1];
                continue;
            }
            if (size == 0)
            {
                if (!jumped)
                    position = at + 1;
                return name.Length == 0 ? "." : name.ToString();
            }
            if (at + 1 + size > dns.Length)
                return null;
            foreach (var b in dns.Slice(at + 1, size))
                name.Append(b is > 0x20 and < 0x7f ? (char)b : '.');
            name.Append('.');
            at += 1 + size;
        }
        return null;
    }

    private static bool SkipName(ReadOnlySpan<byte> dns, ref int position) => ReadName(dns, ref position) is not null;

    private static readonly string[] s_dnsOpcodes =
        ["", " inv_q", " stat", " op3", " notify", " update", " op6", " op7", " op8", " updateA", " updateD", " updateDA", " updateM", " updateMA", " zoneInit", " zoneRef"];

    private static string DnsRcode(int rcode) => rcode switch
    {
        0 => "",
        1 => " FormErr",
        2 => " ServFail",
        3 => " NXDomain",
        4 => " NotImp",
        5 => " Refused",
        6 => " YXDomain",
        7 => " YXRRSet",
        8 => " NXRRSet",
        9 => " NotAuth",
        10 => " NotZone",
        _ => $" Resp{rcode}",
    };

    // tcpdump's ns_type2str.
    private static string DnsType(ushort type) => type switch
    {
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP_PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        53 => "SMIMEA",
        55 => "HIP",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ANY",
        256 => "URI",
        257 => "CAA",
        32768 => "TA",
        32769 => "DLV",
        _ => $"Type{type}",
    };
}
