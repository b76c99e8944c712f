using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests;

public class CompileCommandTests
{
    [TcpdumpTheory]
    [InlineData("-d", "EN10MB", "tcp port 80")]
    [InlineData("-dd", "EN10MB", "udp and (port 53 or port 5353)")]
    [InlineData("-ddd", "LINUX_SLL", "host 192.168.1.1 and not port 22")]
    [InlineData("-d", "RAW", "icmp or ip6")]
    public void Compile_OutputByteIdenticalToTcpdump(string flag, string linkType, string expression)
    {
        var result = CliRunner.Run("compile", "--libpcap", "1.10", "-y", linkType, flag, expression);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Tcpdump.Run("-y", linkType, flag, expression), result.Out);
    }

    [TcpdumpFact]
    public void Compile_O0_OutputByteIdenticalToTcpdumpO()
    {
        var result = CliRunner.Run("compile", "-O0", "-d", "tcp port 80 and ip");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Tcpdump.Run("-O", "-y", "EN10MB", "-d", "tcp port 80 and ip"), result.Out);
    }

    [Fact]
    public void Compile_BadExpression_ExitsOne_WithOffset()
    {
        var result = CliRunner.Run("compile", "tcp port");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("offset", result.Error);
    }

    [Fact]
    public void Compile_UnknownLinkType_ExitsOne()
    {
        var result = CliRunner.Run("compile", "-y", "NOSUCHDLT", "ip");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("NOSUCHDLT", result.Error);
    }

    [LibpcapFact]
    public void Batch_OneAnswerLinePerInputLine_InOrder()
    {
        var lines = new[]
        {
            "EN10MB\t262144\ttcp port 80",
            "garbage line",
            "LINUX_SLL\t65535\tudp",
            "EN10MB\t262144\ttcp port",
            "NOSUCH\t100\tip",
            "EN10MB\tabc\tip",
            "RAW\t1500\t",
            "EN10MB\t262144\tnot ip and ip",
        };
        var result = CliRunner.RunWithInput(string.Join('\n', lines) + "\n", "compile", "--batch");

        Assert.Equal(0, result.ExitCode);
        var answers = result.Out.Split('\n')[..^1];
        Assert.Equal(lines.Length, answers.Length);
        Assert.Equal(Expected(LinkType.EN10MB, 262144, "tcp port 80"), answers[0]);
        Assert.StartsWith("error\t", answers[1]);
        Assert.Equal(Expected(LinkType.LINUX_SLL, 65535, "udp"), answers[2]);
        Assert.StartsWith("error\t", answers[3]);
        Assert.StartsWith("error\t", answers[4]);
        Assert.StartsWith("error\t", answers[5]);
        Assert.Equal(Expected(LinkType.RAW, 1500, ""), answers[6]);
        Assert.Equal("error\texpression rejects all packets", answers[7]);
        Assert.All(answers, a => Assert.DoesNotContain('\r', a));
    }

    private static string Expected(LinkType linkType, int snaplen, string expression)
    {
        var program = Libpcap.Compile(linkType, snaplen, expression, optimize: true, out var error)!;
        Assert.Null(error);
        return "ok\t" + program.Length + string.Concat(program.Select(i => $",{i.Code} {i.Jt} {i.Jf} {i.K}"));
    }
}
