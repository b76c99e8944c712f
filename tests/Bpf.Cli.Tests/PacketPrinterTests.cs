using System.Diagnostics;
using System.Text.RegularExpressions;
using Bpf.Testing;

namespace Bpf.Cli.Tests;

/// <summary>
/// The packet printer against <c>tcpdump -n -r</c> on the corpus: every packet whose tcpdump line is of
/// a shape the printer claims (ARP, ICMP/ICMPv6 echo and neighbour discovery, UDP, DNS queries and
/// responses, TCP with the common options) must print exactly as tcpdump prints it, hex lines included.
/// </summary>
public class PacketPrinterTests
{
    private const string Start = @"^ *\d+  (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d\.\d{6} ([0-9a-f:]{17} > [0-9a-f:]{17}, ethertype (IPv4|IPv6|ARP) \(0x[0-9a-f]{4}\), length \d+: |AF IPv[46] \(\d+\), length \d+: )?";

    private const string Ip = Start + @"(IP6? )?[0-9a-f:.]+ > [0-9a-f:.]+: ";

    private static readonly Regex[] s_claimed =
    [
        new(Ip + @"UDP, length \d+$"),
        new(Ip + @"\d+[+%]* (\[\d+[qanu]+\] )*[A-Za-z0-9]+\? \S+ \(\d+\)$"),
        new(Ip + @"\d+\*?-?\|?\$? \d+/\d+/\d+( (A|AAAA|CNAME|NS|PTR) [^\s,]+(, (A|AAAA|CNAME|NS|PTR) [^\s,]+)*)? \(\d+\)$"),
        new(Ip + @"ICMP echo (request|reply), id \d+, seq \d+, length \d+$"),
        new(Ip + @"ICMP6, (echo (request|reply), id \d+, seq \d+|neighbor (solicitation, who has|advertisement, tgt is) \S+), length \d+$"),
        new(Ip + @"(Flags \[[FSRP.UEW]+\](, seq \d+(:\d+)?)?(, ack \d+)?, win \d+(, urg \d+)?(, options \[((mss \d+|nop|eol|wscale \d+|sackOK|TS val \d+ ecr \d+|sack \d+ (\{\d+:\d+\})+),?)+\])?, length \d+|tcp \d+)$"),
        new(Start + @"(ARP, )?(Request who-has \S+ tell \S+|Reply \S+ is-at \S+), length \d+$"),
    ];

    private static readonly Regex s_packetStart = new(@"^ *(?<n>\d+)  ");

    [TcpdumpTheory]
    [InlineData("-n")]
    [InlineData("-nx")]
    [InlineData("-nX")]
    [InlineData("-nq")]
    [InlineData("-n -tttt")]
    [InlineData("-ne")]
    public void ClaimedPacketShapes_PrintAsTcpdumpPrintsThem(string flags)
    {
        var compared = 0;
        // -e prints link headers: Ethernet and BSD loopback are the ones the printer claims.
        var files = flags.Contains('e') ? new[] { "EN10MB", "NULL" } : ["EN10MB", "LINUX_SLL", "NULL", "RAW", "IPV4", "IPV6"];
        foreach (var name in files)
        {
            var path = TestData.Corpus(name);
            var theirs = Records(TcpdumpOutput(flags + " -#", path));
            var result = CliRunner.Run(["filter", .. flags.Split(' '), "-#", "-r", path]);
            Assert.Equal(0, result.ExitCode);
            var ours = Records(result.Out);
            // On Ethernet, tcpdump -e shows the encapsulation (MACsec, MPLS...): claimed are the packets right under Ethernet or VLAN.
            var plain = Records(TcpdumpOutput(name == "EN10MB" ? "-ne -#" : "-n -#", path))
                .Where(r => s_claimed.Any(c => c.IsMatch(r.Split('\n')[0])))
                .Select(r => s_packetStart.Match(r).Groups["n"].Value)
                .ToHashSet();
            foreach (var (mine, reference) in Aligned(ours, theirs))
            {
                var first = reference.Split('\n')[0].TrimEnd();
                if (!plain.Contains(s_packetStart.Match(reference).Groups["n"].Value) || !s_claimed.Any(r => r.IsMatch(first)))
                    continue;
                Assert.Equal(reference, mine);
                compared++;
            }
        }
        // DNS, TCP, UDP, ICMP and ARP packets of the corpus: the comparison is never vacuous.
        Assert.True(compared >= (flags.Contains('e') ? 100 : 300), $"only {compared} packets compared");
    }

    [TcpdumpTheory]
    [InlineData("ARP, Request who-has")]
    [InlineData("ARP, Reply")]
    [InlineData("ICMP echo request")]
    [InlineData("ICMP6, echo request")]
    [InlineData("+ A? ")]
    [InlineData(" AAAA? ")]
    [InlineData("Flags [S.]")]
    [InlineData("options [mss")]
    [InlineData(": UDP, length")]
    public void EveryClaimedShape_OccursInTheComparison(string shape)
    {
        // Each shape the printer claims is met at least once where ours and tcpdump's must agree.
        var found = new[] { "EN10MB", "LINUX_SLL", "NULL", "RAW", "IPV4", "IPV6" }
            .SelectMany(name => Records(TcpdumpOutput("-n -#", TestData.Corpus(name))))
            .Any(line => line.Contains(shape, StringComparison.Ordinal) && s_claimed.Any(r => r.IsMatch(line.TrimEnd())));
        Assert.True(found, $"no corpus packet prints as '{shape}'");
    }

    [Fact]
    public void Count_StopsAfterNMatches_AndPrintsThem()
    {
        var result = CliRunner.Run("filter", "-c", "3", "-nr", TestData.Corpus("NULL"), "udp", "port", "53");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Contains(".53", l));
        Assert.Contains("accepted 3 ", result.Error);
    }

    [Fact]
    public void ExpressionFile_ReadsTheExpression_WithoutComments()
    {
        using var file = CliRunner.Temp("# DNS only\nudp port 53 # the server\n  and ip\n");
        var fromFile = CliRunner.Run("filter", "--count", "-r", TestData.Corpus("NULL"), "-F", file.Path);
        var fromWords = CliRunner.Run("filter", "--count", "-r", TestData.Corpus("NULL"), "udp", "port", "53", "and", "ip");
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal(fromWords.Out, fromFile.Out);
        Assert.NotEqual("0\n", fromFile.Out);
        Assert.Equal(2, CliRunner.Run("filter", "-r", TestData.Corpus("NULL"), "-F", file.Path, "tcp").ExitCode);
        Assert.Equal(1, CliRunner.Run("filter", "-r", TestData.Corpus("NULL"), "-F", "/nonexistent/expr").ExitCode);
    }

    [Fact]
    public void ExpressionAsSeveralWords_EqualsTheQuotedExpression()
    {
        var words = CliRunner.Run("filter", "--count", "-r", TestData.Corpus("NULL"), "udp", "and", "port", "53");
        var quoted = CliRunner.Run("filter", "--count", "-r", TestData.Corpus("NULL"), "udp and port 53");
        Assert.Equal(quoted.Out, words.Out);
    }

    /// <summary>Pairs the packets of both outputs by their -# number (tcpdump may print a packet over several lines).</summary>
    private static IEnumerable<(string Ours, string Theirs)> Aligned(List<string> ours, List<string> theirs)
    {
        static string Number(string record) => s_packetStart.Match(record).Groups["n"].Value;
        // tcpdump gives up on a damaged file's tail sooner than our reader: pair what it printed.
        var mine = ours.ToDictionary(Number);
        Assert.True(mine.Count >= theirs.Count, $"{mine.Count} packets printed, tcpdump printed {theirs.Count}");
        foreach (var reference in theirs)
            yield return (mine.GetValueOrDefault(Number(reference), ""), reference);
    }

    private static List<string> Records(string output)
    {
        var records = new List<System.Text.StringBuilder>();
        foreach (var line in output.Split('\n'))
        {
            if (line.Length == 0)
                continue;
            if (s_packetStart.IsMatch(line) || records.Count == 0)
                records.Add(new System.Text.StringBuilder(line.TrimEnd()));
            else
                records[^1].Append('\n').Append(line.TrimEnd());
        }
        return records.ConvertAll(r => r.ToString());
    }

    // tcpdump exits 1 on a damaged corpus file after printing what it read: keep its output either way.
    private static string TcpdumpOutput(string flags, string path)
    {
        var info = new ProcessStartInfo("tcpdump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var flag in flags.Split(' '))
            info.ArgumentList.Add(flag);
        info.ArgumentList.Add("-r");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _ = stderr.Result;
        return stdout;
    }
}
