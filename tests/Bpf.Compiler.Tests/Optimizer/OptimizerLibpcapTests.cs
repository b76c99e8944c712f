using System.Text;
using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Optimizer;
using Bpf.Compiler.Syntax;
using Bpf.Compiler.Tests.CodeGen;
using Bpf.Testing;
using Bpf.Vm;
using Xunit.Abstractions;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// Our optimizer on our code generator's graphs against libpcap's <c>pcap_compile(optimize=1)</c>:
/// instruction for instruction (the port is meant to reproduce libpcap's result), with the
/// instruction-count ratio reported.
/// </summary>
public class OptimizerLibpcapTests(ITestOutputHelper output)
{
    private const int Snaplen = 262144;
    private const uint Netmask = 0xffffff00;

    /// <summary>Outcome of one expression.</summary>
    internal sealed record Outcome(int Ours, int Theirs, string? Failure);

    internal static Outcome? Compare(LinkType linkType, string text, FilterExpression ast)
    {
        var expected = Libpcap.Compile(linkType, Snaplen, text, optimize: true, out var error, Netmask);
        Instruction[]? actual = null;
        string? ourError = null;
        try
        {
            var options = new CodeGenOptions(linkType, Snaplen, Netmask, false) { Names = SystemNamesForTests.Instance, Compatibility = LibpcapCompatibility.V1_10 };
            var root = CodeGenerator.Generate(ast, options, out var optimizerDisabled);
            if (!optimizerDisabled)
                root = BlockOptimizer.Optimize(root, libpcapOnly: true);
            if (root.IsReturn && root.Branch.K == 0)
                ourError = "expression rejects all packets";
            else
                actual = GraphLinearizer.Linearize(root);
        }
        catch (FilterCompileException e)
        {
            ourError = e.Message;
        }

        if (expected == null || actual == null)
        {
            // Parse errors of libpcap on generator output, or errors before optimization, are not ours to judge here.
            if (expected == null && actual == null)
                return error == ourError ? null : new Outcome(0, 0, $"{text}: message '{ourError}' vs libpcap '{error}'");
            if (expected == null && error != null && error.Contains("can't parse", StringComparison.Ordinal))
                return null;
            return new Outcome(0, 0, expected == null ? $"{text}: libpcap rejects ({error}) but we compile" : $"{text}: we reject ({ourError}) but libpcap compiles");
        }

        if (expected.AsSpan().SequenceEqual(actual))
            return new Outcome(actual.Length, expected.Length, null);
        var sb = new StringBuilder($"{text}: programs differ ({actual.Length} vs libpcap {expected.Length})\n");
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
            sb.AppendLine($"  {(i < expected.Length ? expected[i].ToString() : "-"),-32} {(i < actual.Length ? actual[i].ToString() : "-")}");
        return new Outcome(actual.Length, expected.Length, sb.ToString());
    }

    public static TheoryData<string> LinkTypeNames() => CodeGeneratorLibpcapTests.LinkTypeNames();

    [LibpcapTheory]
    [MemberData(nameof(LinkTypeNames))]
    public void HandBuiltCases_MatchLibpcapOptimized(string linkTypeName)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var cases = AstCases.All().Concat(MoreAstCases.All());
        Check(cases.Select(c => Compare(linkType, c.Text, c.Ast)));
    }

    public static TheoryData<string, int> RandomRuns() => new()
    {
        { "EN10MB", 101 }, { "EN10MB", 102 }, { "EN10MB", 103 }, { "LINUX_SLL", 104 }, { "LINUX_SLL2", 105 }, { "RAW", 106 },
        { "NULL", 107 }, { "PPP", 108 }, { "IEEE802_11_RADIO", 109 }, { "PPI", 110 }, { "FDDI", 111 }, { "IPV6", 112 },
        { "C_HDLC", 113 }, { "IEEE802_11", 114 }, { "PFLOG", 115 }, { "SUNATM", 116 },
    };

    [LibpcapTheory]
    [MemberData(nameof(RandomRuns))]
    public void RandomExpressions_MatchLibpcapOptimized(string linkTypeName, int seed)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var gen = new RandomExpressions(seed);
        Check(Enumerable.Range(0, 150).Select(_ => gen.Expression(3)).ToList().Select(e => Compare(linkType, e.Text, e.Ast)));
    }

    public static TheoryData<string, int> ChainJoiners() => new()
    {
        { "or", 201 }, { "and", 202 }, { "or", 203 }, { "and not", 204 }, { "or not", 205 },
    };

    /// <summary>
    /// Long chains over a few fields in random order (generated block lists): the pullups move long
    /// runs of tests of one field past the others, pass after pass, and jump threading then folds them.
    /// </summary>
    [LibpcapTheory]
    [MemberData(nameof(ChainJoiners))]
    public void LongChains_MatchLibpcapOptimized(string joiner, int seed)
    {
        var random = new Random(seed);
        string[] fields = ["src host 10.0.0.{0}", "dst host 10.0.1.{0}", "host 10.1.{0}.1", "port {0}", "src port {0}", "net 10.{0}.0.0/16", "ip proto {0}"];
        var chains = Enumerable.Range(0, 6).Select(_ =>
        {
            var pick = fields.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToArray();
            var terms = Enumerable.Range(0, random.Next(20, 120))
                .Select(_ => string.Format(System.Globalization.CultureInfo.InvariantCulture, pick[random.Next(pick.Length)], random.Next(1, 250)));
            return string.Join($" {joiner} ", terms);
        }).ToList();
        Check(chains.Select(text => Compare(LinkType.EN10MB, text, FilterParser.Parse(text))));
    }

    private void Check(IEnumerable<Outcome?> outcomes)
    {
        var all = outcomes.Where(o => o != null).Select(o => o!).ToList();
        var failures = all.Where(o => o.Failure != null).ToList();
        int ours = all.Sum(o => o.Ours), theirs = all.Sum(o => o.Theirs);
        output.WriteLine($"{all.Count} programs, {failures.Count} differ; instructions ours/libpcap = {ours}/{theirs} = {(theirs == 0 ? 1.0 : (double)ours / theirs):F4}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {all.Count} differ:\n" + string.Join("\n", failures.Take(5).Select(f => f.Failure)));
    }
}
