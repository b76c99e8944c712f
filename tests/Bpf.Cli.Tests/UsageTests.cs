using Bpf.Testing;

namespace Bpf.Cli.Tests;

public class UsageTests
{
    [Fact]
    public void NoArguments_PrintsUsage_ExitsTwo()
    {
        var result = CliRunner.Run();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage:", result.Error);
        Assert.Contains("  filter ", result.Error);
    }

    [Fact]
    public void UnknownVerb_ExitsTwo()
    {
        var result = CliRunner.Run("frobnicate");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown verb 'frobnicate'", result.Error);
        Assert.Contains("filter, compile", result.Error);
    }

    [Theory]
    [InlineData("filter", "--bogus")]
    [InlineData("filter", "udp")]
    [InlineData("dump", "-d")]
    [InlineData("dump", "-d", "-dd", "x")]
    [InlineData("validate", "--profile", "bsd", "x")]
    [InlineData("compile")]
    [InlineData("compile", "-s", "abc", "ip")]
    [InlineData("compile", "--batch", "ip")]
    [InlineData("filter", "-r")]
    public void BadArguments_ExitTwo_WithUsageLine(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("usage: bpf " + args[0], result.Error);
    }

    [Theory]
    [InlineData("filter")]
    [InlineData("compile")]
    [InlineData("validate")]
    [InlineData("dump")]
    [InlineData("bench")]
    [InlineData("stats")]
    [InlineData("devices")]
    [InlineData("capture")]
    [InlineData("udp-recv")]
    public void Help_OnEveryVerb_ExitsZero_DescribingEveryOption(string verb)
    {
        var result = CliRunner.Run(verb, "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        Assert.Contains($"bpf {verb}", result.Out);
        var definition = Bpf.Cli.CommandLine.CreateVerbs().Single(v => v.Definition.Name == verb).Definition;
        foreach (var option in definition.Options)
        {
            Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb} {option.Name} has no description");
            Assert.Contains(option.Name, result.Out);
        }
    }

    [Fact]
    public void HelpVerb_IsVerbHelp()
    {
        Assert.Equal(CliRunner.Run("compile", "--help").Out, CliRunner.Run("help", "compile").Out);
    }

    [Fact]
    public void Version_PrintsTheAssemblyVersion_ExitsZero()
    {
        var result = CliRunner.Run("--version");
        Assert.Equal(0, result.ExitCode);
        var expected = typeof(CliContext).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(expected + "\n", result.Out);
    }

    [Theory]
    [InlineData("fliter", "'filter'")]
    [InlineData("compiel", "'compile'")]
    [InlineData("stat", "'stats'")]
    public void MistypedVerb_SuggestsTheVerb(string typo, string suggestion)
    {
        var result = CliRunner.Run(typo, "-r", "x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown verb '{typo}'; did you mean {suggestion}?", result.Error);
    }

    [Theory]
    [InlineData("--engin", "'--engine'")]
    [InlineData("--cuont", "'--count'")]
    [InlineData("--reslts", "'--results'")]
    public void MistypedOption_SuggestsTheOption(string typo, string suggestion)
    {
        var result = CliRunner.Run("filter", "-r", TestData.Corpus("PPP"), typo, "udp");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown option {typo}; did you mean {suggestion}?", result.Error);
    }

    [Fact]
    public void NegativeNumbersAndWordsAfterDoubleDash_AreExpressionWords()
    {
        // "-1" is no option: the expression compiles (and fails as an expression, exit 1, not 2).
        Assert.Equal(1, CliRunner.Run("compile", "ip", "and", "-1").ExitCode);
        Assert.Equal(1, CliRunner.Run("compile", "--", "--bogus").ExitCode);
        Assert.Equal(2, CliRunner.Run("compile", "--bogus").ExitCode);
    }

    [Fact]
    public void ResponseFile_SuppliesArguments()
    {
        using var rsp = CliRunner.Temp($"-r\n{TestData.Corpus("EN10MB")}\n--count\nudp\n", ".rsp");
        var direct = CliRunner.Run("filter", "-r", TestData.Corpus("EN10MB"), "--count", "udp");
        var viaFile = CliRunner.Run("filter", "@" + rsp.Path);
        Assert.Equal(0, viaFile.ExitCode);
        Assert.Equal(direct.Out, viaFile.Out);
    }

    [Fact]
    public void MissingResponseFile_IsAUsageError()
    {
        var result = CliRunner.Run("filter", "@/nonexistent/args.rsp");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/args.rsp", result.Error);
    }

    [Fact]
    public void SuggestDirective_CompletesVerbsAndOptions()
    {
        // dotnet-suggest asks the tool itself through the [suggest] directive.
        var verbs = CliRunner.Run("[suggest:4]", "bpf fi");
        Assert.Equal(0, verbs.ExitCode);
        Assert.Contains("filter", verbs.Out.Split('\n'));
        var engines = CliRunner.Run("[suggest:24]", "bpf filter --engine ");
        Assert.Contains("interp", engines.Out.Split('\n'));
    }

    [Fact]
    public void MissingInputFile_ExitsOne_NamingTheFile()
    {
        var result = CliRunner.Run("filter", "-r", "/nonexistent/x.pcap", "ip");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/x.pcap", result.Error);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
    }
}
