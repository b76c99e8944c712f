using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>
/// The parser against libpcap's own grammars: whatever libpcap 1.10 or the head compiles we must parse,
/// and whatever libpcap 1.10 rejects while scanning or parsing (syntax errors, scanner errors, the
/// grammar's own checks) we must reject, by the parser or, for the head's additions the parser also
/// reads, by the 1.10 mode's code generator. Errors libpcap raises in code generation say nothing
/// about syntax.
/// </summary>
public sealed class ParserLibpcapTests
{
    private static readonly string[] ParseStageMessages =
    [
        "can't parse filter expression", "overflows 32 bits", "contains non-octal digit", "bogus IPv6 address",
        "bogus ethernet address", "'port' modifier applied to ip host", "'portrange' modifier applied to ip host",
        "'proto' modifier applied to ip host", "'protochain' modifier applied to ip host", "802.11 type", "802.11 subtype", "802.11 direction",
        "unknown LLC type name", "unknown PF reason", "unknown PF action",
    ];

    private static bool IsParseStageError(string message) =>
        ParseStageMessages.Any(m => message.Contains(m, StringComparison.Ordinal));

    private static string? Disagreement(LinkType linkType, string text)
    {
        var program = Libpcap.Compile(linkType, 262144, text, false, out var error);
        FilterCompileException? ours = null;
        try
        {
            FilterParser.Parse(text);
        }
        catch (FilterCompileException e)
        {
            ours = e;
        }
        if (program is not null && ours is not null)
            return $"[{linkType}] '{text}': libpcap compiles it, we reject it: {ours.Message}";
        if (ours is not null && LibpcapBuild.Head?.Compile(linkType, 262144, text, false, out _) is not null)
            return $"[{linkType}] '{text}': the head libpcap compiles it, we reject it: {ours.Message}";
        if (program is null && IsParseStageError(error!) && ours is null)
        {
            // The parser reads the head's grammar, a superset (vxlan, 802.11 bar/ba): what 1.10 cannot
            // parse, the 1.10 mode must still refuse, in its code generator.
            try
            {
                FilterCompiler.Compile(text, linkType, 262144, new CompilerOptions { Compatibility = LibpcapCompatibility.V1_10, Optimize = false });
                return $"[{linkType}] '{text}': libpcap 1.10 rejects it while parsing ({error}), we parse and compile it in 1.10 mode";
            }
            catch (FilterCompileException)
            {
                return null;
            }
        }
        return null;
    }

    private static void AssertAgreement(IEnumerable<(LinkType LinkType, string Text)> cases, int minimumCount)
    {
        var list = cases.ToList();
        Assert.True(list.Count >= minimumCount, $"only {list.Count} expressions");
        var disagreements = list.Select(c => Disagreement(c.LinkType, c.Text)).OfType<string>().ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements.Take(20)));
    }

    [LibpcapFact]
    public void CorpusExpressions_ParseExactlyWhenLibpcapParses()
    {
        var cases = Directory.GetFiles(TestData.File("expressions"), "*.txt")
            .Where(f => Enum.TryParse<LinkType>(Path.GetFileNameWithoutExtension(f), true, out _))
            .SelectMany(f => File.ReadLines(f)
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Select(line => (Enum.Parse<LinkType>(Path.GetFileNameWithoutExtension(f), true), line)));
        AssertAgreement(cases, 300);
    }

    [LibpcapFact]
    public void GeneratedExpressions_ParseExactlyWhenLibpcapParses()
    {
        var random = new RandomSyntax(seed: 20261123);
        AssertAgreement(Enumerable.Range(0, 4000).Select(_ => (LinkType.EN10MB, random.Expression())), 4000);
    }

    [LibpcapFact]
    public void TokenSoup_ParsesExactlyWhenLibpcapParses()
    {
        var random = new RandomSyntax(seed: 7);
        AssertAgreement(Enumerable.Range(0, 4000).Select(_ => (LinkType.EN10MB, random.Soup())), 4000);
    }

    [LibpcapFact]
    public void HandWrittenEdgeCases_ParseExactlyWhenLibpcapParses()
    {
        string[] cases =
        [
            "", " ", "tcp", "not tcp", "! tcp", "tcp && udp || icmp", "host 1.2.3.4 and ((1.2.3.5))", "((tcp))",
            "host (1.2.3.4 or 1.2.3.5)", "host ((1) or 2)", "host ((1.2.3.4) or 1.2.3.5)", "(1) = 1", "((1)) + 1 = 2",
            "vlan (1)", "vlan (tcp)", "src or dst host 1.2.3.4", "src and 1.2.3.4", "tcp src or dst port 1",
            "ip proto \\tcp", "ip proto tcp", "ether proto \\ip", "less 037777777777", "port 0x", "port 1e3",
            "ip[0:1] = 1", "ip[0:] = 1", "ip[] = 1", "ip[0]", "len", "-1 = 1", "- - 1 = 1", "1 - -1 = 2",
            "tcp type mgt", "type mgt subtype beacon", "subtype qos-data", "llc rnr", "llc Rnr", "llc 1",
            "vpi (1 or 2 or 3)", "vpi (1)", "vpi ()", "sio > 1", "sio (1 and 2)", "on eth0", "on 1", "reason 1",
            "ifindex 1", "inbound and outbound", "geneve (10)", "byte 1 & 2", "byte 1 + 2", "host \\a(b",
            "host 1:2:3:4:5:6:7:8/64", "net 10.0.0.0 mask 1.2.3", "net 10/8", "net 10.0/8 or 11",
            "tcp port 80 and (tcp[13] = 2) or 81", "not (port 1) and 2", "host $1", "link host $", "a.b.c.d.e.f",
            "host 1:2:3:4:5:6:7:8:9", "host 1::2::3", "host 12345::", "host 1:2:3:4:5:6:7::", "host ::1:2:3:4:5:6:7",
            "host 1:2:3:4:5::1.2.3.4", "host 1:2:3:4:5:6::1.2.3.4", "host ::0x1.2.3.4", "host ::1.2.3.4.5", "host 1:2:3:4:5:6:1.2.3.4",
        ];
        AssertAgreement(cases.Select(c => (LinkType.EN10MB, c)), cases.Length);
    }
}
