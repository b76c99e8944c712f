using System.Text;
using System.Text.RegularExpressions;
using Bpf.Testing;

namespace Bpf.Cli.Tests;

/// <summary>
/// The README's verb reference cannot drift from the tool: its full reference is the verbs' own
/// <c>--help</c> text, compared line for line, and its one-screen summary names exactly the options
/// each verb defines. <c>BPF_UPDATE_README=1</c> rewrites the generated reference in place (then
/// review the diff); the summary is written by hand and only checked.
/// </summary>
public class ReadmeReferenceTests
{
    private const string Begin = "<!-- verb reference: generated from each verb's --help; BPF_UPDATE_README=1 dotnet test tests/Bpf.Cli.Tests --filter ReadmeReference rewrites it -->";
    private const string End = "<!-- end of verb reference -->";
    private const string SummaryBegin = "<!-- verb summary: every verb and every option, checked by tests/Bpf.Cli.Tests/ReadmeReferenceTests.cs -->";
    private const string SummaryEnd = "<!-- end of verb summary -->";

    private static string ReadmePath => Path.Combine(TestData.RepoRoot, "README.md");

    private static IEnumerable<System.CommandLine.Command> Verbs => Bpf.Cli.CommandLine.CreateVerbs().Select(v => v.Definition);

    /// <summary>The reference as it must read: the overview, then every verb's help, in help's order.</summary>
    internal static string GeneratedReference()
    {
        var text = new StringBuilder();
        Append(text, "bpf --help", "The verbs", CliRunner.Run("--help"));
        foreach (var verb in Verbs)
            Append(text, $"bpf {verb.Name} --help", verb.Description!, CliRunner.Run(verb.Name, "--help"));
        return text.ToString();
    }

    private static void Append(StringBuilder text, string command, string summary, CliRunner.Result help)
    {
        Assert.Equal(0, help.ExitCode);
        // Help pads wrapped lines with a trailing space; a Markdown file should not keep those.
        var lines = help.Out.TrimEnd('\n').Split('\n').Select(l => l.TrimEnd());
        var firstSentence = summary.Split(": ")[0].Split(". ")[0].TrimEnd('.');
        text.Append($"<details><summary><code>{command}</code>: {firstSentence}</summary>\n\n```text\n");
        foreach (var line in lines)
            text.Append(line).Append('\n');
        text.Append("```\n\n</details>\n\n");
    }

    private static (string Before, string Body, string After) Section(string readme, string begin, string end)
    {
        var start = readme.IndexOf(begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, $"README.md has no section between '{begin}' and '{end}'");
        var bodyStart = start + begin.Length + 1;
        return (readme[..bodyStart], readme[bodyStart..stop], readme[stop..]);
    }

    [Fact]
    public void ReadmeReference_IsEveryVerbsHelp()
    {
        var readme = File.ReadAllText(ReadmePath);
        var (before, body, after) = Section(readme, Begin, End);
        var expected = "\n" + GeneratedReference();
        if (body == expected)
            return;
        if (Environment.GetEnvironmentVariable("BPF_UPDATE_README") == "1")
        {
            File.WriteAllText(ReadmePath, before + expected + after);
            return;
        }
        Assert.Fail($"README.md's verb reference differs from the tool's --help ({FirstDifference(body, expected)}); "
            + "run BPF_UPDATE_README=1 dotnet test tests/Bpf.Cli.Tests --filter ReadmeReference and review the diff");
    }

    private static string FirstDifference(string actual, string expected)
    {
        var a = actual.Split('\n');
        var e = expected.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, e.Length); i++)
        {
            var left = i < a.Length ? a[i] : "(end)";
            var right = i < e.Length ? e[i] : "(end)";
            if (left != right)
                return $"line {i + 1} of the section: README '{left}', --help '{right}'";
        }
        return "same lines";
    }

    // An option word in the summary: -r, -O0, -#, --libpcap, -dd; not the '-' of "-r FILE|-".
    private static readonly Regex s_optionWord = new(@"(?<![\w-])(--?[A-Za-z0-9#?][\w-]*)", RegexOptions.CultureInvariant);

    /// <summary>The summary's lines grouped by verb: "    bpf VERB ..." starts one, deeper indents continue it.</summary>
    internal static Dictionary<string, List<string>> SummaryOptions(string summary)
    {
        var verbs = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var raw in summary.Split('\n'))
        {
            var comment = raw.IndexOf(" # ", StringComparison.Ordinal);
            var line = comment >= 0 ? raw[..comment] : raw;
            if (Regex.Match(line, @"^    bpf ([a-z-]+)") is { Success: true } start)
            {
                var verb = start.Groups[1].Value;
                if (!verbs.TryGetValue(verb, out current))
                    verbs[verb] = current = [];
                line = line[start.Length..];
            }
            else if (!line.StartsWith("     ", StringComparison.Ordinal))
            {
                current = null;
                continue;
            }
            if (current is null)
                continue;
            current.AddRange(s_optionWord.Matches(line).Select(m => m.Groups[1].Value));
        }
        return verbs;
    }

    [Fact]
    public void ReadmeSummary_NamesEveryVerbAndExactlyItsOptions()
    {
        var (_, summary, _) = Section(File.ReadAllText(ReadmePath), SummaryBegin, SummaryEnd);
        var listed = SummaryOptions(summary);
        var problems = new List<string>();
        foreach (var verb in Verbs)
        {
            if (!listed.TryGetValue(verb.Name, out var words))
            {
                problems.Add($"bpf {verb.Name} is missing");
                continue;
            }
            var options = verb.Options.Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption).ToList();
            foreach (var option in options)
                if (!words.Contains(option.Name) && !option.Aliases.Any(words.Contains))
                    problems.Add($"bpf {verb.Name}: {option.Name} is not listed");
            var known = options.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet();
            foreach (var word in words.Distinct())
                if (!known.Contains(word))
                    problems.Add($"bpf {verb.Name}: {word} is no option of the verb");
        }
        foreach (var verb in listed.Keys.Except(Verbs.Select(v => v.Name)))
            problems.Add($"bpf {verb} is no verb");
        Assert.True(problems.Count == 0, "README.md's verb summary has drifted: " + string.Join("; ", problems));
    }

    [Fact]
    public void SummaryCheck_FindsAMissingVerbAndAStaleOption()
    {
        // The check itself can fail: a summary without udp-recv and with an option filter lacks.
        var summary = "\n    bpf filter   -r FILE [--bogus] [-c N]  # comment --not-an-option\n                 [-#] EXPRESSION...\n    bpf compile  -d|-dd|-ddd EXPRESSION\n";
        var listed = SummaryOptions(summary);
        Assert.Equal(["filter", "compile"], listed.Keys);
        Assert.Equal(["-r", "--bogus", "-c", "-#"], listed["filter"]);
        Assert.Equal(["-d", "-dd", "-ddd"], listed["compile"]);
    }
}
