using System.Globalization;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class FilterCommandTests
{
    private static string Ddd(Instruction[] program) =>
        program.Length + "\n" + string.Concat(program.Select(i => $"{i.Code} {i.Jt} {i.Jf} {i.K}\n"));

    [LibpcapTheory]
    [InlineData("EN10MB", "udp port 53")]
    [InlineData("EN10MB", "tcp[tcpflags] & tcp-syn != 0")]
    [InlineData("LINUX_SLL", "ip and len > 100")]
    public void Results_WithLibpcapProgram_EqualLibpcapPerPacket(string linkTypeName, string expression)
    {
        var path = TestData.Corpus(linkTypeName);
        var (linkType, snaplen, packets) = Libpcap.ReadFile(path);
        var program = Libpcap.Compile(linkType, snaplen, expression, optimize: true, out var error);
        Assert.True(program is not null, error);
        using var programFile = CliRunner.Temp(Ddd(program));

        var result = CliRunner.Run("filter", "-r", path, "--results", "--engine", "interp", "--program", programFile.Path);

        Assert.Equal(0, result.ExitCode);
        var expected = packets.Select(p => Libpcap.Filter(program, p.Data, p.WireLength).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected, result.Out.TrimEnd('\n').Split('\n'));
    }

    [LibpcapFact]
    public void Count_PrintsAcceptedPacketCount()
    {
        var path = TestData.Corpus("EN10MB");
        var (linkType, snaplen, packets) = Libpcap.ReadFile(path);
        var program = Libpcap.Compile(linkType, snaplen, "arp", optimize: true, out _)!;
        using var programFile = CliRunner.Temp(Ddd(program));

        var result = CliRunner.Run("filter", "-r", path, "--count", "--program", programFile.Path);

        Assert.Equal(0, result.ExitCode);
        var expected = packets.Count(p => Libpcap.Filter(program, p.Data, p.WireLength) != 0);
        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture) + "\n", result.Out);
    }

    [Fact]
    public void Summary_NamesPacketsAndRate()
    {
        using var programFile = CliRunner.Temp("1\n6 0 0 65535\n");
        var result = CliRunner.Run("filter", "-r", TestData.Corpus("PPP"), "--program", programFile.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^packets \d+ accepted \d+ bytes \d+ accepted_bytes \d+ elapsed [\d.]+s packets/s \d+\n$", result.Out);
    }

    [Fact]
    public void InvalidProgram_ExitsOne_NamingTheInstruction()
    {
        using var programFile = CliRunner.Temp("2\n21 5 0 1\n6 0 0 1\n");
        var result = CliRunner.Run("filter", "-r", TestData.Corpus("PPP"), "--program", programFile.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("instruction 0", result.Error);
    }

    [Fact]
    public void TruncatedFile_ReportsWhereItStopped_ExitsOne()
    {
        var bytes = File.ReadAllBytes(TestData.Corpus("PPP"));
        using var truncated = CliRunner.Temp("", ".pcap");
        File.WriteAllBytes(truncated.Path, bytes[..(bytes.Length - 7)]);
        using var programFile = CliRunner.Temp("1\n6 0 0 65535\n");

        var result = CliRunner.Run("filter", "-r", truncated.Path, "--count", "--program", programFile.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(truncated.Path, result.Error);
        Assert.Contains("offset", result.Error);
    }
}
