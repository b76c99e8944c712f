using System.Globalization;
using System.Text.Json;
using Bpf.Testing;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Cli.Tests;

/// <summary>
/// <c>bpf filter</c> and <c>bpf stats</c> over several files on several threads: the results are
/// libpcap's, in input order, whatever the thread count; damage and missing files stop the run
/// where they are, keeping everything written before.
/// </summary>
public class OfflineRunTests
{
    private static readonly string[] Files = ["EN10MB", "LINUX_SLL", "EN10MB"];

    /// <summary>The packets libpcap's own program for <paramref name="expression"/> accepts, file after file.</summary>
    private static List<LibpcapBuild.Packet> LibpcapAccepted(IEnumerable<string> paths, string expression)
    {
        var accepted = new List<LibpcapBuild.Packet>();
        foreach (var path in paths)
        {
            var (linkType, snaplen, packets) = Libpcap.ReadFile(path);
            var program = Libpcap.Compile(linkType, snaplen, expression, optimize: true, out var error);
            Assert.True(program is not null, error);
            accepted.AddRange(packets.Where(p => Libpcap.Filter(program, p.Data, p.WireLength) != 0));
        }
        return accepted;
    }

    [LibpcapTheory]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("5")]
    public void Filter_SeveralFiles_WritesLibpcapsMatchesInInputOrder(string threads)
    {
        var paths = Files.Select(TestData.Corpus).ToArray();
        using var output = CliRunner.Temp("", ".pcapng");
        var args = paths.SelectMany(p => new[] { "-r", p }).Concat(["-w", output.Path, "--format", "pcapng", "--threads", threads, "ip or arp"]).ToArray();

        var result = CliRunner.Run(["filter", .. args]);

        Assert.Equal(0, result.ExitCode);
        var expected = LibpcapAccepted(paths, "ip or arp");
        var written = ReadAll(output.Path);
        Assert.Equal(expected.Count, written.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, written[i].Data);
            Assert.Equal(expected[i].Seconds * 1_000_000_000 + expected[i].Nanoseconds, written[i].Timestamp);
        }
        Assert.Contains($"accepted {expected.Count} ", result.Out);
    }

    [LibpcapFact]
    public void Filter_StandardInput_IsReadAsAPipe_BeforeAndAlongFiles()
    {
        var path = TestData.Corpus("EN10MB");
        var expected = LibpcapAccepted([path, path], "udp").Count;

        var result = CliRunner.RunWithBinaryInput(File.ReadAllBytes(path), "filter", "-r", "-", "-r", path, "--count", "udp");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"{expected}\n", result.Out);
    }

    [LibpcapFact]
    public void Filter_WriteToStandardOutput_CaptureOnStdout_SummaryOnStderr()
    {
        var path = TestData.Corpus("EN10MB");
        var capture = new MemoryStream();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, new StringReader(""), ErrorIsTerminal: false) { OpenOutput = () => capture };

        var code = Program.Run(["filter", "-r", path, "-w", "-", "udp port 53"], context);

        Assert.Equal(0, code);
        Assert.Equal("", stdout.ToString());
        Assert.StartsWith("packets ", stderr.ToString());
        using var written = CliRunner.Temp("", ".pcap");
        File.WriteAllBytes(written.Path, capture.ToArray());
        Assert.Equal(LibpcapAccepted([path], "udp port 53").Select(p => p.Data), Libpcap.ReadFile(written.Path).Packets.Select(p => p.Data));
    }

    [TcpdumpTheory]
    [InlineData("EN10MB", "udp or arp")]
    [InlineData("EN10MB", "")]
    [InlineData("LINUX_SLL", "tcp[tcpflags] & tcp-syn != 0")]
    [InlineData("IEEE802_11_RADIO", "wlan type mgt")]
    public void Filter_WriteFile_SameCaptureAsTcpdumpW(string linkTypeName, string expression)
    {
        var path = TestData.Corpus(linkTypeName);
        using var ours = CliRunner.Temp("", ".pcap");
        using var theirs = CliRunner.Temp("", ".pcap");

        var result = CliRunner.Run("filter", "-r", path, "-w", ours.Path, expression);
        Tcpdump.Run("-r", path, "-w", theirs.Path, expression);

        Assert.Equal(0, result.ExitCode);
        // Byte for byte, but for timestamps stored with a fraction outside [0, 1 s), which libpcap
        // copies as stored and we write normalized (the same instant: see Capture.Pcapfile's README).
        Assert.Equal(File.ReadAllBytes(theirs.Path)[..24], File.ReadAllBytes(ours.Path)[..24]);
        var expected = Libpcap.ReadFile(theirs.Path).Packets;
        var actual = Libpcap.ReadFile(ours.Path).Packets;
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Data, actual[i].Data);
            Assert.Equal(expected[i].WireLength, actual[i].WireLength);
            Assert.Equal(expected[i].Seconds * 1_000_000_000 + expected[i].Nanoseconds, actual[i].Seconds * 1_000_000_000 + actual[i].Nanoseconds);
        }
        if (expected.All(p => p.Nanoseconds is >= 0 and < 1_000_000_000))
            Assert.Equal(File.ReadAllBytes(theirs.Path), File.ReadAllBytes(ours.Path));
    }

    [LibpcapFact]
    public void Filter_Results_OneVerdictPerPacketInOrder_OnEveryThreadCount()
    {
        var path = TestData.Corpus("EN10MB");
        var (linkType, snaplen, packets) = Libpcap.ReadFile(path);
        var program = Libpcap.Compile(linkType, snaplen, "tcp[tcpflags] & tcp-syn != 0 or udp", optimize: true, out _)!;
        var expected = string.Concat(packets.Select(p => Libpcap.Filter(program, p.Data, p.WireLength).ToString(CultureInfo.InvariantCulture) + "\n"));
        foreach (var threads in new[] { "1", "3" })
        {
            var result = CliRunner.Run("filter", "-r", path, "--results", "--threads", threads, "tcp[tcpflags] & tcp-syn != 0 or udp");
            Assert.Equal(0, result.ExitCode);
            Assert.Equal(expected, result.Out);
        }
    }

    [LibpcapFact]
    public void Filter_DamagedSecondFile_KeepsTheFirstFilesAndTheSecondsMatchesBeforeTheDamage()
    {
        var good = TestData.Corpus("EN10MB");
        var bytes = File.ReadAllBytes(good);
        using var damaged = CliRunner.Temp("", ".pcap");
        var cut = bytes.Length * 2 / 3;
        File.WriteAllBytes(damaged.Path, bytes[..cut]);
        using var output = CliRunner.Temp("", ".pcap");

        var result = CliRunner.Run("filter", "-r", good, "-r", damaged.Path, "-w", output.Path, "--threads", "2", "udp");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(damaged.Path, result.Error);
        Assert.Contains("truncated", result.Error);
        // Everything libpcap reads before the damage was filtered and written, and the file is whole.
        var readable = Libpcap.ReadFile(good).Packets.Concat(ReadableByLibpcap(damaged.Path)).ToList();
        var (linkType, snaplen, _) = Libpcap.ReadFile(good);
        var program = Libpcap.Compile(linkType, snaplen, "udp", optimize: true, out _)!;
        var expected = readable.Count(p => Libpcap.Filter(program, p.Data, p.WireLength) != 0);
        Assert.Equal(expected, Libpcap.ReadFile(output.Path).Packets.Count);
    }

    [Fact]
    public void Filter_MissingSecondFile_ExitsOneNamingIt_AfterTheFirst()
    {
        using var output = CliRunner.Temp("", ".pcap");
        var missing = Path.Combine(Path.GetTempPath(), $"bpf-missing-{Guid.NewGuid():N}.pcap");

        var result = CliRunner.Run("filter", "-r", TestData.Corpus("PPP"), "-r", missing, "-w", output.Path, "");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.GetFileName(missing), result.Error);
        using var reader = CaptureFileReader.Open(output.Path);
        Assert.Equal(ReadAll(TestData.Corpus("PPP")).Count, ReadAll(output.Path).Count);
    }

    [Theory]
    [InlineData("filter")]
    [InlineData("stats")]
    public void ExpressionError_ForTheFilesLinkType_ExitsOneNamingTheOffset(string verb)
    {
        // Compiled ahead in the background for the first file; the error still surfaces as itself.
        var result = CliRunner.Run(verb, "-r", TestData.Corpus("LINUX_SLL"), "-r", TestData.Corpus("EN10MB"), "ether host 1:2:3:4:5:6 and tcp port 99999");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("expression error at offset", result.Error);
    }

    [Theory]
    [InlineData("filter")]
    [InlineData("stats")]
    public void NotACaptureFile_ExitsOneNamingItAndTheReason(string verb)
    {
        using var text = CliRunner.Temp("not a capture\n", ".pcap");

        var result = CliRunner.Run(verb, "-r", TestData.Corpus("PPP"), "-r", text.Path, "udp");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(text.Path, result.Error);
        Assert.Contains("unknown file format", result.Error);
    }

    [LibpcapFact]
    public void Stats_EveryFilter_CountsWhatLibpcapAccepts()
    {
        string[] expressions = ["tcp port 80", "udp", "arp", "ip6", "vlan", "tcp[tcpflags] & tcp-syn != 0"];
        var paths = new[] { TestData.Corpus("EN10MB"), TestData.Corpus("EN10MB") };

        var result = CliRunner.Run(["stats", "-r", paths[0], "-r", paths[1], "--format", "json", "--threads", "3", .. expressions]);

        Assert.Equal(0, result.ExitCode);
        var bucket = JsonDocument.Parse(result.Out).RootElement.GetProperty("buckets")[0];
        var all = paths.SelectMany(p => Libpcap.ReadFile(p).Packets).ToList();
        Assert.Equal(all.Count, bucket.GetProperty("packets").GetInt64());
        Assert.Equal(all.Sum(p => (long)p.WireLength), bucket.GetProperty("bytes").GetInt64());
        var filters = bucket.GetProperty("filters");
        for (var f = 0; f < expressions.Length; f++)
        {
            var accepted = LibpcapAccepted(paths, expressions[f]);
            Assert.Equal(expressions[f], filters[f].GetProperty("filter").GetString());
            Assert.Equal(accepted.Count, filters[f].GetProperty("packets").GetInt64());
            Assert.Equal(accepted.Sum(p => (long)p.WireLength), filters[f].GetProperty("bytes").GetInt64());
        }
    }

    [Fact]
    public void Stats_Interval_BucketsAddUpToTheWhole_SameOnEveryThreadCount()
    {
        var path = TestData.Corpus("EN10MB");
        var whole = CliRunner.Run("stats", "-r", path, "--format", "csv", "udp", "tcp");
        var one = CliRunner.Run("stats", "-r", path, "--format", "csv", "--interval", "1s", "--threads", "1", "udp", "tcp");
        var four = CliRunner.Run("stats", "-r", path, "--format", "csv", "--interval", "1s", "--threads", "4", "udp", "tcp");

        Assert.Equal(0, one.ExitCode);
        Assert.Equal(one.Out, four.Out);
        static Dictionary<string, long> Sum(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(line => line.Split(','))
            .GroupBy(cells => cells[1])
            .ToDictionary(g => g.Key, g => g.Sum(cells => long.Parse(cells[2], CultureInfo.InvariantCulture)));
        Assert.True(one.Out.Split('\n').Length > 4, "expected several one-second buckets");
        Assert.Equal(Sum(whole.Out), Sum(one.Out));
    }

    private static List<PacketCopy> ReadAll(string path)
    {
        var list = new List<PacketCopy>();
        using var reader = CaptureFileReader.Open(path);
        while (reader.TryReadPacket(out var p))
            list.Add(new(p.Data.ToArray(), p.Timestamp));
        return list;
    }

    private static IEnumerable<LibpcapBuild.Packet> ReadableByLibpcap(string path)
    {
        // Our reader stops exactly where libpcap does (tested in Capture.Pcapfile); read up to there.
        var packets = new List<LibpcapBuild.Packet>();
        using var reader = CaptureFileReader.Open(path);
        try
        {
            while (reader.TryReadPacket(out var p))
                packets.Add(new LibpcapBuild.Packet(p.Timestamp / 1_000_000_000, p.Timestamp % 1_000_000_000, p.WireLength, p.Data.ToArray()));
        }
        catch (InvalidDataException)
        {
        }
        return packets;
    }
}

internal sealed record PacketCopy(byte[] Data, long Timestamp);
