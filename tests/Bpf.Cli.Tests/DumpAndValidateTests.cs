using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class DumpAndValidateTests
{
    [TcpdumpTheory]
    [InlineData("-d", "-ddd")]
    [InlineData("-dd", "-d")]
    [InlineData("-ddd", "-dd")]
    public void Dump_ConvertsBetweenFormats_ByteIdenticalToTcpdump(string to, string from)
    {
        const string expression = "tcp port 80 or (udp and ip[6:2] & 0x1fff = 0)";
        using var input = CliRunner.Temp(Tcpdump.Dump(from, TestData.Corpus("EN10MB"), expression));
        var result = CliRunner.Run("dump", to, input.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Tcpdump.Dump(to, TestData.Corpus("EN10MB"), expression), result.Out);
    }

    [Fact]
    public void Validate_ValidProgram_ExitsZero()
    {
        using var program = CliRunner.Temp("(000) ret      #65535\n");
        var result = CliRunner.Run("validate", program.Path);
        Assert.Equal(0, result.ExitCode);
    }

    [Theory]
    [InlineData("libpcap", "3\n21 5 0 1\n6 0 0 1\n6 0 0 0\n", 0)]
    [InlineData("kernel", "2\n96 0 0 3\n22 0 0 0\n", 0)]
    public void Validate_InvalidProgram_ExitsOne_NamingInstruction(string profile, string program, int index)
    {
        using var file = CliRunner.Temp(program);
        var result = CliRunner.Run("validate", "--profile", profile, file.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"instruction {index}", result.Error);
    }

    [Fact]
    public void Dump_GarbageProgram_ExitsOne_NamingLine()
    {
        using var file = CliRunner.Temp("2\n6 0 0 1\nbanana\n");
        var result = CliRunner.Run("dump", "-d", file.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(file.Path, result.Error);
    }
}
