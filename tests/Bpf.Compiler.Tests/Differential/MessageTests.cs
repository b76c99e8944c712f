using Bpf.Testing;
using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>
/// What each mode's libpcap rejects we reject with its message (our offset and detail may follow),
/// over every expression of the corpus that both refuse. The exceptions are listed with the reason:
/// they are the places where bison's actions run before the parser reaches a syntax error, so
/// libpcap reports a semantic error first where our parser, which reads the whole expression before
/// generating code, reports the syntax error.
/// </summary>
public class MessageTests
{
    private static readonly Dictionary<(string, string), string> s_semanticBeforeSyntax = new()
    {
        [("MTP2", "src port 1 and")] = "", [("MTP2", "(tcp")] = "", [("MTP2", "tcp)")] = "", [("MTP2", "net 10 mask 255")] = "",
        [("DSA_TAG_BRCM", "src port 1 and")] = "", [("DSA_TAG_BRCM", "(tcp")] = "", [("DSA_TAG_BRCM", "tcp)")] = "", [("DSA_TAG_BRCM", "net 10 mask 255")] = "",
        [("DSA_TAG_DSA", "src port 1 and")] = "", [("DSA_TAG_DSA", "(tcp")] = "", [("DSA_TAG_DSA", "tcp)")] = "", [("DSA_TAG_DSA", "net 10 mask 255")] = "",
    };

    // 1.10 has no 'vxlan': its parser refuses the bare word after 'not' ("can't parse filter
    // expression: syntax error"); our parser reads the head's grammar in both modes and the 1.10 mode
    // refuses the word in the generator, which cannot tell 'not vxlan' from 'tcp and vxlan'.
    private static readonly Dictionary<(string, string), string> s_v110ParserOnly = new()
    {
        [("EN10MB", "not vxlan")] = "",
    };

    [HeadLibpcapFact]
    public void Rejections_HaveTheHeadsMessage() => Check(LibpcapCompatibility.Head, LibpcapBuild.Head!, s_semanticBeforeSyntax);

    [LibpcapFact]
    public void Rejections_HaveLibpcap110sMessage_InThe110Mode() =>
        Check(LibpcapCompatibility.V1_10, LibpcapBuild.System!, s_semanticBeforeSyntax.Concat(s_v110ParserOnly).ToDictionary());

    private static void Check(LibpcapCompatibility mode, LibpcapBuild oracle, Dictionary<(string, string), string> known)
    {
        var differ = new List<string>();
        var compared = 0;
        foreach (var (linkTypeName, expression) in ExpressionCorpus.All)
        {
            var linkType = LinkTypes.Parse(linkTypeName);
            if (oracle.Compile(linkType, 262144, expression, true, out var theirs) != null)
                continue;
            string ours;
            try
            {
                FilterCompiler.Compile(expression, linkType, options: new CompilerOptions { Compatibility = mode });
                continue; // accepted: the differential suite's business
            }
            catch (FilterCompileException e)
            {
                ours = e.Message;
            }
            compared++;
            if (!ours.StartsWith(theirs!, StringComparison.Ordinal) && !known.ContainsKey((linkTypeName, expression)))
                differ.Add($"{linkTypeName} '{expression}': libpcap '{theirs}', ours '{ours}'");
        }
        Assert.True(compared > 500, $"only {compared} rejections compared");
        Assert.True(differ.Count == 0, $"{mode}: {differ.Count} of {compared} messages differ:\n{string.Join("\n", differ)}");
    }
}
