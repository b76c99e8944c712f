using System.Diagnostics;
using Bpf.Testing;

namespace Bpf.Cli.Tests;

/// <summary>
/// The crashes issue 13 lists, one regression test each: programs libpcap passes but no engine can run,
/// endless program text, and file names that are empty, directories, or the input again.
/// </summary>
public class RunnableProgramAndPathTests
{
    // bpf_validate passes both; bpf_filter aborts on opcode 0xff and spins for ever on a ja to itself.
    private const string UnknownOpcode = "2\n255 0 0 0\n6 0 0 1\n";
    private const string JumpToItself = "2\n5 0 0 4294967295\n6 0 0 1\n";

    /// <summary>Exit status 1 and exactly one line on standard error, no stack trace or .NET text.</summary>
    private static string OneLine(CliRunner.Result result, int exitCode = 1)
    {
        Assert.Equal(exitCode, result.ExitCode);
        var lines = result.Error.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.DoesNotContain("Exception", result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
        return lines[0];
    }

    [Theory]
    [InlineData(UnknownOpcode, "interp", "opcode 0xff")]
    [InlineData(UnknownOpcode, "jit", "opcode 0xff")]
    [InlineData(JumpToItself, "interp", "lands on itself")]
    [InlineData(JumpToItself, "jit", "lands on itself")]
    public void Filter_ProgramLibpcapPassesButCannotRun_OneLineNamingFileAndInstruction(string text, string engine, string reason)
    {
        using var program = CliRunner.Temp(text);
        var line = OneLine(CliRunner.Run("filter", "-r", TestData.Corpus("EN10MB"), "--engine", engine, "--program", program.Path));
        Assert.Contains(program.Path, line);
        Assert.Contains(reason, line);
        // Named once: not "instruction 0: instruction 0 (...)".
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "instruction 0"));
    }

    [Theory]
    [InlineData(UnknownOpcode, "libpcap")]
    [InlineData(JumpToItself, "libpcap")]
    [InlineData(UnknownOpcode, "jit")]
    [InlineData(UnknownOpcode, "interp")]
    [InlineData(JumpToItself, "all")]
    public void Bench_ProgramThatCannotRun_IsRefusedBeforeAnyEngine(string text, string engine)
    {
        using var program = CliRunner.Temp(text);
        var line = OneLine(CliRunner.Run("bench", "-r", TestData.Corpus("EN10MB"), "--seconds", "0.01", "--engine", engine, "--program", program.Path));
        Assert.Contains("cannot run the program", line);
    }

    [Theory]
    [InlineData(UnknownOpcode, "opcode 0xff")]
    [InlineData(JumpToItself, "lands on itself")]
    public void Validate_LibpcapProfile_AnswersAsLibpcapAndSaysTheProgramCannotRun(string text, string reason)
    {
        using var program = CliRunner.Temp(text);
        var result = CliRunner.Run("validate", "--profile", "libpcap", program.Path);
        Assert.StartsWith("valid: 2 instructions", result.Out);
        Assert.Contains(reason, OneLine(result, exitCode: 0));
    }

    [Fact]
    public void Validate_InvalidProgram_NamesTheInstructionOnce()
    {
        using var program = CliRunner.Temp("3\n21 5 0 1\n6 0 0 1\n6 0 0 0\n");
        var line = OneLine(CliRunner.Run("validate", program.Path));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(line, "instruction 0"));
    }

    [Theory]
    [InlineData("validate")]
    [InlineData("dump", "-d")]
    public void ProgramText_EndlessDevices_EndQuicklyWithOneLine(params string[] verb)
    {
        foreach (var device in new[] { "/dev/zero", "/dev/urandom" })
        {
            if (!File.Exists(device))
                continue;
            var timer = Stopwatch.StartNew();
            var line = OneLine(CliRunner.Run([.. verb, device]));
            Assert.Contains(device, line);
            Assert.True(timer.Elapsed < TimeSpan.FromSeconds(30), $"{device}: {timer.Elapsed}");
        }
    }

    [Fact]
    public void ProgramText_LongerThanTheCap_IsRefused()
    {
        using var program = CliRunner.Temp(new string(' ', ProgramFiles.MaxTextLength + 1));
        Assert.Contains("too long", OneLine(CliRunner.Run("validate", program.Path)));
    }

    [Fact]
    public void ProgramText_FromStandardInput_IsCappedToo()
    {
        var line = OneLine(CliRunner.RunWithInput(new string('1', ProgramFiles.MaxTextLength + 10), "dump", "-d", "-"));
        Assert.Contains("too long", line);
    }

    [Fact]
    public void Filter_EmptyInputName_OneLine() =>
        Assert.Contains("-r: the file name is empty", OneLine(CliRunner.Run("filter", "-r", "", "tcp")));

    [Fact]
    public void Filter_EmptyOutputName_OneLine() =>
        Assert.Contains("-w: the file name is empty", OneLine(CliRunner.Run("filter", "-r", TestData.Corpus("EN10MB"), "-w", "", "tcp")));

    [Fact]
    public void Filter_OutputIsTheInput_RefusedAndTheInputKept()
    {
        using var input = CliRunner.Temp(extension: ".pcap");
        File.Copy(TestData.Corpus("EN10MB"), input.Path, overwrite: true);
        var before = File.ReadAllBytes(input.Path);
        var line = OneLine(CliRunner.Run("filter", "-r", input.Path, "-w", Path.Combine(Path.GetDirectoryName(input.Path)!, ".", Path.GetFileName(input.Path)), "tcp"));
        Assert.Contains("is also an input", line);
        Assert.Equal(before, File.ReadAllBytes(input.Path));
    }

    [Theory]
    [InlineData("filter", "-r", "{dir}", "tcp")]
    [InlineData("filter", "-r", "{corpus}", "-w", "{dir}", "tcp")]
    [InlineData("stats", "-r", "{dir}", "tcp")]
    [InlineData("bench", "-r", "{dir}", "tcp")]
    [InlineData("validate", "{dir}")]
    [InlineData("dump", "-d", "{dir}")]
    [InlineData("filter", "-r", "{corpus}", "--program", "{dir}")]
    public void Directory_InsteadOfAFile_OneLine(params string[] args)
    {
        var dir = Path.GetTempPath().TrimEnd('/');
        var line = OneLine(CliRunner.Run(args.Select(a => a.Replace("{dir}", dir).Replace("{corpus}", TestData.Corpus("EN10MB"))).ToArray()));
        Assert.Contains($"{dir}: is a directory", line);
    }

    [Theory]
    [InlineData("filter")]
    [InlineData("stats")]
    public void SeveralInputs_OneWithALinkTypeTheExpressionCannotFilter_NamesThatFile(string verb)
    {
        var line = OneLine(CliRunner.Run(verb, "-r", TestData.Corpus("EN10MB"), "-r", TestData.Corpus("DBUS"), "tcp"));
        Assert.Contains(TestData.Corpus("DBUS"), line);
        Assert.Contains("DBUS", line);
    }

    [Fact]
    public void MixedLinkTypesIntoOnePcapFile_OneLineNamingTheSource()
    {
        using var output = CliRunner.Temp(extension: ".pcap");
        var line = OneLine(CliRunner.Run("filter", "-r", TestData.Corpus("EN10MB"), "-r", TestData.Corpus("RAW"), "-w", output.Path, "ip"));
        Assert.Contains(TestData.Corpus("RAW"), line);
        Assert.Contains("--format pcapng", line);
    }
}
