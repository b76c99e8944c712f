using System.Globalization;
using Bpf.Compiler;
using Bpf.Testing;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Cli.Tests;

/// <summary><c>bpf equiv</c> and <c>bpf witness</c>: output lines, exit codes, and packets checked here independently.</summary>
public class VerificationCommandTests
{
    private static (byte[] Data, uint WireLength) ParsePacket(string line)
    {
        var fields = line.Split(' ');
        Assert.Equal(4, fields.Length);
        Assert.Equal("packet", fields[0]);
        Assert.Equal("wirelen", fields[2]);
        return (Convert.FromHexString(fields[1]), uint.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    private static uint RunFilter(string expression, (byte[] Data, uint WireLength) packet) =>
        new BpfInterpreter(FilterCompiler.Compile(expression)).Run(packet.Data, packet.WireLength);

    [Z3Fact]
    public void Equiv_SameMeaning_PrintsEquivalentExitsZero()
    {
        var result = CliRunner.Run("equiv", "tcp port 80", "tcp src port 80 or tcp dst port 80");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("equivalent\n", result.Out);
    }

    [Z3Fact]
    public void Equiv_Different_PrintsPacketAndVerdictsThatHoldInTheInterpreter()
    {
        var result = CliRunner.Run("equiv", "tcp port 80", "tcp port 81");
        Assert.Equal(3, result.ExitCode);
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("different", lines[0]);
        var packet = ParsePacket(lines[1]);
        Assert.Equal($"verdicts {RunFilter("tcp port 80", packet)} {RunFilter("tcp port 81", packet)}", lines[2]);
        Assert.NotEqual(RunFilter("tcp port 80", packet), RunFilter("tcp port 81", packet));
    }

    [Z3Fact]
    public void Equiv_ProgramFileInEitherPlace_IsThatOperand()
    {
        using var file = CliRunner.Temp(BpfText.Format(FilterCompiler.Compile("udp"), DumpFormat.Listing));
        Assert.Equal("equivalent\n", CliRunner.Run("equiv", "--program", file.Path, "udp").Out);
        var result = CliRunner.Run("equiv", "ip", "--program", file.Path);
        Assert.Equal(3, result.ExitCode);
        var packet = ParsePacket(result.Out.Split('\n')[1]);
        // A is the expression, B the file: the verdicts keep that order.
        Assert.Equal($"verdicts {RunFilter("ip", packet)} {RunFilter("udp", packet)}", result.Out.Split('\n')[2]);
    }

    [Z3Fact]
    public void Equiv_Libpcap110AndLinkType_CompileThatWay()
    {
        var result = CliRunner.Run("equiv", "-y", "LINUX_SLL", "-s", "128", "--libpcap", "1.10", "ip", "ip6");
        Assert.Equal(3, result.ExitCode);
        var packet = ParsePacket(result.Out.Split('\n')[1]);
        var ip = FilterCompiler.Compile("ip", LinkType.LINUX_SLL, 128, new CompilerOptions { Compatibility = LibpcapCompatibility.V1_10 });
        var ip6 = FilterCompiler.Compile("ip6", LinkType.LINUX_SLL, 128, new CompilerOptions { Compatibility = LibpcapCompatibility.V1_10 });
        // The programs return the snaplen given (128), and the packet fits in it.
        Assert.Equal($"verdicts {new BpfInterpreter(ip).Run(packet.Data, packet.WireLength)} {new BpfInterpreter(ip6).Run(packet.Data, packet.WireLength)}", result.Out.Split('\n')[2]);
        Assert.Contains("128", result.Out.Split('\n')[2]);
        Assert.True(packet.Data.Length <= 128);
    }

    [Fact]
    public void Equiv_LinkTypeMismatch_OneLineExitOne()
    {
        var result = CliRunner.Run("equiv", "-y", "EN10MB", "-y", "LINUX_SLL", "ip", "ip");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("link-type mismatch", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Equiv_InvalidProgram_OneLineExitOne()
    {
        using var file = CliRunner.Temp("1\n0 0 0 1\n");
        var result = CliRunner.Run("equiv", "--program", file.Path, "ip");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a valid program", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Equiv_OneOperand_IsUsageError()
    {
        Assert.Equal(2, CliRunner.Run("equiv", "ip").ExitCode);
    }

    [Z3Fact]
    public void Witness_Count_PrintsDistinctAcceptedPackets()
    {
        var result = CliRunner.Run("witness", "-c", "4", "udp dst port 53");
        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal(4, lines.Distinct().Count());
        Assert.All(lines, line => Assert.NotEqual(0u, RunFilter("udp dst port 53", ParsePacket(line))));
    }

    [Z3Fact]
    public void Witness_Reject_PrintsRejectedPackets()
    {
        var result = CliRunner.Run("witness", "--reject", "-c", "2", "tcp");
        Assert.Equal(0, result.ExitCode);
        Assert.All(result.Out.TrimEnd('\n').Split('\n'), line => Assert.Equal(0u, RunFilter("tcp", ParsePacket(line))));
    }

    [Z3Fact]
    public void Witness_NoPacketCan_PrintsNoneExitsThree()
    {
        var result = CliRunner.Run("witness", "ip and ip6");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("none\n", result.Out);
    }

    [Z3Fact]
    public void Witness_WriteFile_IsACaptureOfTheLinkTypeLibpcapAccepts()
    {
        using var file = CliRunner.Temp(extension: ".pcap");
        var result = CliRunner.Run("witness", "-y", "LINUX_SLL", "-c", "3", "-w", file.Path, "tcp dst port 443");
        Assert.Equal(0, result.ExitCode);
        using var reader = CaptureFileReader.Open(file.Path);
        Assert.Equal(LinkType.LINUX_SLL, reader.LinkType);
        var program = FilterCompiler.Compile("tcp dst port 443", LinkType.LINUX_SLL);
        var count = 0;
        while (reader.TryReadPacket(out var packet))
        {
            Assert.NotEqual(0u, new BpfInterpreter(program).Run(packet.Data, packet.WireLength));
            count++;
        }
        Assert.Equal(3, count);
    }

    [Fact]
    public void Witness_MissingSolver_OneLineExitOne()
    {
        // Only the verification verbs read BPF_SMT_SOLVER, and this class's tests run one at a time.
        try
        {
            Environment.SetEnvironmentVariable("BPF_SMT_SOLVER", "/nonexistent-bpf-14/z3");
            var result = CliRunner.Run("witness", "ip");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("/nonexistent-bpf-14/z3", result.Error);
            Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            Environment.SetEnvironmentVariable("BPF_SMT_SOLVER", null);
        }
    }
}
