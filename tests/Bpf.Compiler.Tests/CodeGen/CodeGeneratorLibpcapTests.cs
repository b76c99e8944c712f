using System.Text;
using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// Every hand-built expression, on every link type: our unoptimized graph, linearized, must equal
/// libpcap's <c>pcap_compile(optimize=0)</c> instruction for instruction, and we must reject exactly
/// what libpcap rejects.
/// </summary>
public class CodeGeneratorLibpcapTests
{
    private const int Snaplen = 262144;
    private const uint Netmask = 0xffffff00;

    public static TheoryData<string> LinkTypeNames() => new(s_mainLinkTypes);

    private static readonly string[] s_mainLinkTypes =
    [
        "EN10MB", "RAW", "IPV4", "IPV6", "NULL", "LOOP", "LINUX_SLL", "LINUX_SLL2", "PPP", "PPP_SERIAL", "PPP_ETHER",
        "PPP_BSDOS", "C_HDLC", "SLIP", "FDDI", "IEEE802", "IEEE802_11", "IEEE802_11_RADIO", "PRISM_HEADER",
        "IEEE802_11_RADIO_AVS", "PPI", "ARCNET", "ARCNET_LINUX", "SUNATM", "MTP2", "PFLOG", "IP_OVER_FC", "IPNET",
        "FRELAY", "ATM_RFC1483", "JUNIPER_ETHER", "DSA_TAG_DSA", "NETANALYZER", "ENC", "MTP2_WITH_PHDR",
    ];

    internal static string? Compare(LinkType linkType, string text, FilterExpression ast)
    {
        var expected = Libpcap.Compile(linkType, Snaplen, text, optimize: false, out var error, Netmask);
        Instruction[]? actual = null;
        string? ourError = null;
        try
        {
            var root = CodeGenerator.Generate(ast, new CodeGenOptions(linkType, Snaplen, Netmask, false) { Names = SystemNamesForTests.Instance, Compatibility = LibpcapCompatibility.V1_10 });
            actual = GraphLinearizer.Linearize(root);
        }
        catch (FilterCompileException e)
        {
            ourError = e.Message;
        }
        if (expected == null && actual == null)
            return error == ourError ? null : $"{text}: message '{ourError}' vs libpcap '{error}'";
        if (expected == null)
            return $"{text}: libpcap rejects ({error}) but we compile";
        if (actual == null)
            return $"{text}: we reject ({ourError}) but libpcap compiles";
        if (expected.AsSpan().SequenceEqual(actual))
            return null;
        var sb = new StringBuilder($"{text}: programs differ\n");
        for (var i = 0; i < Math.Max(expected.Length, actual.Length); i++)
            sb.AppendLine($"  {(i < expected.Length ? expected[i].ToString() : "-"),-32} {(i < actual.Length ? actual[i].ToString() : "-")}");
        return sb.ToString();
    }

    /// <summary>Every link type the enum names (libpcap's whole DLT table), beyond the main ones above.</summary>
    public static TheoryData<string> AllLinkTypeNames()
    {
        var main = new HashSet<string>(s_mainLinkTypes);
        var data = new TheoryData<string>();
        foreach (var t in Enum.GetValues<LinkType>().Distinct())
            if (!main.Contains(t.ToString()))
                data.Add(t.ToString());
        for (var n = 0; n <= 300; n++)
            if (!Enum.IsDefined((LinkType)n))
                data.Add(n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return data;
    }

    [LibpcapTheory]
    [MemberData(nameof(AllLinkTypeNames))]
    public void HandBuiltCases_OnEveryOtherLinkType_MatchLibpcapUnoptimized(string linkTypeName) =>
        HandBuiltCases_MatchLibpcapUnoptimized(linkTypeName);

    [LibpcapTheory]
    [MemberData(nameof(LinkTypeNames))]
    public void HandBuiltCases_MatchLibpcapUnoptimized(string linkTypeName)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var failures = AstCases.All().Concat(MoreAstCases.All()).Select(c => Compare(linkType, c.Text, c.Ast)).Where(f => f != null).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

/// <summary>Random expressions (fixed seeds) on the main link types, compared with libpcap -O0.</summary>
public class RandomExpressionLibpcapTests
{
    // BPF_GENCODE_RANDOM_COUNT raises the count for a local soak run; CI uses the default.
    private static readonly int Count = int.TryParse(Environment.GetEnvironmentVariable("BPF_GENCODE_RANDOM_COUNT"), out var n) ? n : 150;

    public static TheoryData<string, int> Runs() => new()
    {
        { "EN10MB", 1 }, { "EN10MB", 2 }, { "LINUX_SLL", 3 }, { "LINUX_SLL2", 4 }, { "RAW", 5 }, { "NULL", 6 }, { "PPP", 7 },
        { "IEEE802_11_RADIO", 8 }, { "PPI", 9 }, { "FDDI", 10 }, { "IPV6", 11 }, { "C_HDLC", 12 }, { "IEEE802_11", 13 },
        { "PFLOG", 14 }, { "ARCNET", 15 }, { "IP_OVER_FC", 16 }, { "PRISM_HEADER", 17 }, { "SUNATM", 18 },
    };

    [LibpcapTheory]
    [MemberData(nameof(Runs))]
    public void RandomExpressions_MatchLibpcapUnoptimized(string linkTypeName, int seed)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var gen = new RandomExpressions(seed);
        var failures = new List<string>();
        for (var i = 0; i < Count; i++)
        {
            var (text, ast) = gen.Expression(3);
            var failure = CodeGeneratorLibpcapTests.Compare(linkType, text, ast);
            // The generator may write something libpcap's parser reads differently: only codegen disagreements count.
            if (failure != null && !failure.Contains("can't parse", StringComparison.Ordinal))
                failures.Add(failure);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Count} differ:\n" + string.Join("\n", failures.Take(5)));
    }
}
