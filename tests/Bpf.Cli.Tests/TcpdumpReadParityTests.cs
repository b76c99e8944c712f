using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Bpf.Testing;
using Capture.Pcapfile;

namespace Bpf.Cli.Tests;

/// <summary>
/// <c>bpf filter -r F</c> compiles as <c>tcpdump -r F</c> does (the savefile open: its link type, snaplen,
/// byte order; netmask 0), over every corpus file, each also in the other byte order, and a broad set of
/// expressions. With <c>--libpcap 1.10</c> the capture <c>-w</c> writes is byte-identical to the system
/// tcpdump's (libpcap 1.10.3); by default each packet's verdict is the one the head libpcap's program,
/// compiled with the same file open (<c>pcap_open_offline</c>), gives it under the head's <c>bpf_filter</c>.
/// What the oracle refuses to compile, we refuse.
/// </summary>
public sealed class TcpdumpReadParityTests : IDisposable
{
    // Link-level, network, transport and savefile-sensitive primitives: most compile on most link types,
    // the rest are refused on some (and must be refused there by both).
    private static readonly string[] s_expressions =
    [
        "", "ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "not ip",
        "ip or ip6", "ip6 and tcp", "ip and not udp", "port 53", "udp port 53", "tcp port 80 or tcp port 443",
        "portrange 1-1024", "tcp dst portrange 1000-65535", "host 192.168.1.1", "src net 10.0.0.0/8",
        "net 192.168.0.0/16", "dst net 224.0.0.0/4", "ip broadcast", "ip multicast", "ip6 multicast",
        "ether broadcast", "ether multicast", "broadcast", "multicast", "ether proto 0x88cc",
        "ether host ff:ff:ff:ff:ff:ff", "vlan", "vlan and ip", "mpls", "pppoes", "pppoed", "geneve",
        "less 100", "greater 200", "len > 100", "ip proto 47", "ip6 proto 58", "ip[8] < 64",
        "ip[6:2] & 0x3fff != 0", "tcp[tcpflags] & tcp-syn != 0", "udp[8:2] = 0x1234", "icmp[icmptype] = icmp-echo",
        "link[0] & 1 = 1", "ether[12:2] = 0x0800", "inbound", "outbound", "ifindex 1", "ah or esp",
        "iso", "stp", "atalk", "decnet", "ipx", "netbeui", "llc", "protochain 6", "ip6 protochain 17",
        "gateway 192.168.1.1", "ip host 10.1.1.1 and not port 22", "vxlan", "vxlan 5 and tcp port 80",
        "geneve and udp port 53", "vxlan and arp", "ether proto \\lldp", "byte 13 & 8", "llc",
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"bpf-tcpdump-r-{Guid.NewGuid():N}");

    public TcpdumpReadParityTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Every corpus and generated file (by its path under tests/data), as it is and in the other byte order.</summary>
    public static TheoryData<string, bool> Files()
    {
        var files = new TheoryData<string, bool>();
        foreach (var file in TestData.CorpusFiles.Concat(TestData.GeneratedFiles))
        {
            var name = Path.GetRelativePath(TestData.Directory, file);
            files.Add(name, false);
            files.Add(name, true);
        }
        return files;
    }

    [TcpdumpTheory]
    [MemberData(nameof(Files))]
    public void FilterWithLibpcap110_WritesWhatTcpdumpWrites(string name, bool swapped)
    {
        var input = Input(name, swapped);
        var failures = new List<string>();
        var compared = 0;
        foreach (var expression in s_expressions)
        {
            var ours = Path.Combine(_folder, "ours.pcap");
            var theirs = Path.Combine(_folder, "theirs.pcap");
            File.Delete(ours);
            File.Delete(theirs);
            var result = CliRunner.Run("filter", "--libpcap", "1.10", "-r", input, "-w", ours, "--count", expression);
            var (code, error) = TcpdumpWrite(input, theirs, expression);
            if (code != 0)
            {
                // tcpdump refuses the expression for this file: so must we, with libpcap's message.
                var message = error.Trim().Split('\n')[^1].Replace("tcpdump: ", "", StringComparison.Ordinal);
                if (result.ExitCode != 1 || !result.Error.Contains(message, StringComparison.Ordinal))
                    failures.Add($"'{expression}': tcpdump refuses ({message}), bpf exit {result.ExitCode}: {result.Error.Trim()}");
                continue;
            }
            compared++;
            if (result.ExitCode != 0)
                failures.Add($"'{expression}': tcpdump accepts, bpf exit {result.ExitCode}: {result.Error.Trim()}");
            else if (Difference(File.ReadAllBytes(ours), File.ReadAllBytes(theirs), swapped) is { } difference)
                failures.Add($"'{expression}': -w output differs (bpf kept {result.Out.Trim()}, tcpdump kept {Count(theirs)}): {difference}");
        }
        Assert.True(compared > 0, "tcpdump compiled none of the expressions");
        Assert.True(failures.Count == 0, $"{name}{(swapped ? " (swapped)" : "")}:\n" + string.Join('\n', failures));
    }

    [HeadLibpcapTheory]
    [MemberData(nameof(Files))]
    public void FilterByDefault_KeepsWhatTheHeadKeepsReadingTheFile(string name, bool swapped)
    {
        var head = LibpcapBuild.Head!;
        var input = Input(name, swapped);
        var packets = Packets(input);
        var failures = new List<string>();
        foreach (var expression in s_expressions)
        {
            var program = head.CompileForFile(input, expression, optimize: true, out var headError);
            var result = CliRunner.Run("filter", "-r", input, "--results", expression);
            if (program is null)
            {
                if (result.ExitCode != 1 || !result.Error.Contains(headError!, StringComparison.Ordinal))
                    failures.Add($"'{expression}': the head refuses ({headError}), bpf exit {result.ExitCode}: {result.Error.Trim()}");
                continue;
            }
            if (result.ExitCode != 0)
            {
                failures.Add($"'{expression}': the head accepts, bpf exit {result.ExitCode}: {result.Error.Trim()}");
                continue;
            }
            var verdicts = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(packets.Count, verdicts.Length);
            // Where the head's optimizer changes what the filter means ('vxlan and arp': its -O and -O0
            // disagree on the packet), we keep the meaning: the head's -O0 answer is then ours.
            var unoptimized = head.CompileForFile(input, expression, optimize: false, out _);
            for (var i = 0; i < packets.Count; i++)
            {
                var expected = head.Filter(program, packets[i].Data, packets[i].WireLength);
                var actual = uint.Parse(verdicts[i], CultureInfo.InvariantCulture);
                if (actual != expected && (unoptimized is null || head.Filter(unoptimized, packets[i].Data, packets[i].WireLength) != actual))
                {
                    failures.Add($"'{expression}': packet {i}: bpf {verdicts[i]}, the head {expected}");
                    break;
                }
            }
        }
        Assert.True(failures.Count == 0, $"{name}{(swapped ? " (swapped)" : "")}:\n" + string.Join('\n', failures));
    }

    [TcpdumpFact]
    public void SwappedCopy_IsReadAsTheSamePackets()
    {
        // The byte-swapped inputs above are only a test if libpcap reads them as the same packets.
        var original = TestData.Corpus("NULL");
        var copy = Input(Path.Combine("corpus", "NULL.pcap"), swapped: true);
        Assert.Equal(Tcpdump.Run("-n", "-r", original), Tcpdump.Run("-n", "-r", copy));
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32BigEndian(File.ReadAllBytes(copy)));
        Assert.True(LibpcapBuild.System is not { } system || system.FileContext(copy).Swapped);
    }

    /// <summary>
    /// Null when two pcap files (little-endian, microseconds, as tcpdump and bpf write them here) hold the
    /// same capture: byte-identical, except where libpcap copied an input record's microsecond field that is
    /// not below 10^6 (the corpus has a few such records) and we wrote the same instant normalized. The
    /// instant is the input's as libpcap reads it: fields signed in a file of this host's byte order,
    /// unsigned in a byte-swapped one.
    /// </summary>
    private static string? Difference(byte[] ours, byte[] theirs, bool swappedInput)
    {
        if (ours.AsSpan().SequenceEqual(theirs))
            return null;
        if (ours.Length != theirs.Length || !ours.AsSpan(0, 24).SequenceEqual(theirs.AsSpan(0, 24)))
            return $"lengths {ours.Length} and {theirs.Length} or file headers differ";
        for (var at = 24; at < ours.Length;)
        {
            var caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(theirs.AsSpan(at + 8));
            var end = at + 16 + caplen;
            if (end > ours.Length || !ours.AsSpan(at + 8, 8 + caplen).SequenceEqual(theirs.AsSpan(at + 8, 8 + caplen)))
                return $"record at byte {at} differs";
            if (!ours.AsSpan(at, 8).SequenceEqual(theirs.AsSpan(at, 8)))
            {
                var theirSeconds = BinaryPrimitives.ReadUInt32LittleEndian(theirs.AsSpan(at));
                var theirFraction = BinaryPrimitives.ReadUInt32LittleEndian(theirs.AsSpan(at + 4));
                var theirInstant = swappedInput
                    ? theirSeconds * 1_000_000L + theirFraction
                    : (int)theirSeconds * 1_000_000L + (int)theirFraction;
                var ourSeconds = BinaryPrimitives.ReadInt32LittleEndian(ours.AsSpan(at));
                var ourFraction = BinaryPrimitives.ReadUInt32LittleEndian(ours.AsSpan(at + 4));
                // Our seconds are the instant's low 32 bits, as pcap_dump writes seconds.
                var ourInstantLow = (uint)ourSeconds;
                var expectedLow = unchecked((uint)(long)Math.Floor(theirInstant / 1_000_000.0));
                if (theirFraction < 1_000_000 || ourFraction >= 1_000_000 || ourInstantLow != expectedLow
                    || ourFraction != (ulong)(((theirInstant % 1_000_000) + 1_000_000) % 1_000_000))
                    return $"record at byte {at}: timestamp differs";
            }
            at = end;
        }
        return null;
    }

    /// <summary>The corpus file, or a copy of it written in the other byte order.</summary>
    private string Input(string name, bool swapped)
    {
        var path = TestData.File(name);
        if (!swapped)
            return path;
        var copy = Path.Combine(_folder, "swapped-" + Path.GetFileName(name));
        if (!File.Exists(copy))
            File.WriteAllBytes(copy, SwapByteOrder(File.ReadAllBytes(path)));
        return copy;
    }

    /// <summary>A little-endian pcap rewritten big-endian: the file and record headers swapped, packet bytes untouched.</summary>
    private static byte[] SwapByteOrder(byte[] pcap)
    {
        var swapped = (byte[])pcap.Clone();
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(pcap));
        static void Swap32(byte[] b, int at) => BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)));
        static void Swap16(byte[] b, int at) => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)));
        Swap32(swapped, 0);
        Swap16(swapped, 4);
        Swap16(swapped, 6);
        for (var at = 8; at < 24; at += 4)
            Swap32(swapped, at);
        for (var at = 24; at + 16 <= pcap.Length;)
        {
            var caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(pcap.AsSpan(at + 8));
            for (var field = 0; field < 16; field += 4)
                Swap32(swapped, at + field);
            at += 16 + caplen;
        }
        return swapped;
    }

    private static List<(byte[] Data, uint WireLength)> Packets(string path)
    {
        using var reader = CaptureFileReader.Open(path);
        var packets = new List<(byte[], uint)>();
        while (reader.TryReadPacket(out var packet))
            packets.Add((packet.Data.ToArray(), packet.WireLength));
        return packets;
    }

    private static int Count(string path) => Packets(path).Count;

    /// <summary><c>tcpdump -r input -w output expression</c>: its exit code and standard error.</summary>
    private static (int Code, string Error) TcpdumpWrite(string input, string output, string expression)
    {
        var info = new ProcessStartInfo("tcpdump") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in (string[])["-r", input, "-w", output, expression])
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        _ = stdout.Result;
        return (process.ExitCode, stderr);
    }
}
