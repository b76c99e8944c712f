using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Ir;
using Bpf.Compiler.Syntax;
using Bpf.Compiler.Tests.CodeGen;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Ir;

/// <summary>
/// The linearizer on real code-generation graphs must give libpcap's <c>pcap_compile(optimize=0)</c>
/// array exactly: same order, same jump offsets, same long-jump <c>ja</c>s, same protochain loops.
/// </summary>
public class LinearizerLibpcapTests
{
    private const int Snaplen = 262144;
    private const uint Netmask = 0xffffff00;

    private static Instruction[] Ours(LinkType linkType, FilterExpression ast) =>
        Linearizer.Linearize(CodeGenerator.Generate(ast, new CodeGenOptions(linkType, Snaplen, Netmask, false) { Names = SystemNamesForTests.Instance, Compatibility = LibpcapCompatibility.V1_10 }));

    [LibpcapTheory]
    [InlineData("EN10MB")]
    [InlineData("LINUX_SLL")]
    [InlineData("RAW")]
    [InlineData("IEEE802_11_RADIO")]
    public void HandBuiltCases_EqualLibpcapUnoptimized(string linkTypeName)
    {
        var linkType = LinkTypes.Parse(linkTypeName);
        var compared = 0;
        foreach (var (text, ast) in AstCases.All().Concat(MoreAstCases.All()))
        {
            var expected = Libpcap.Compile(linkType, Snaplen, text, optimize: false, out _, Netmask);
            if (expected == null)
                continue;
            Assert.Equal(expected, Ours(linkType, ast));
            compared++;
        }
        Assert.True(compared > 50, $"only {compared} cases compiled");
    }

    [LibpcapTheory]
    [InlineData(10)]
    [InlineData(30)]
    [InlineData(60)]
    public void LongOrChains_GetLibpcapsJas(int ports)
    {
        FilterExpression ast = Port(1);
        var text = "port 1";
        for (var p = 2; p <= ports; p++)
        {
            ast = new OrExpression(ast, Port((uint)p), 0);
            text += $" or port {p}";
        }
        var expected = Libpcap.Compile(LinkType.EN10MB, Snaplen, text, optimize: false, out var error, Netmask);
        Assert.NotNull(expected);
        var ours = Ours(LinkType.EN10MB, ast);
        Assert.Equal(expected, ours);
        if (ports >= 30)
            Assert.Contains(ours, i => i.Code == (Opcodes.Jmp | Opcodes.Ja));
    }

    [LibpcapFact]
    public void MixedLongProgram_WithNestedAndsAndOrs_EqualsLibpcap()
    {
        FilterExpression? ast = null;
        var text = "";
        for (var i = 1; i <= 40; i++)
        {
            var host = new HostId(new Qualifiers(ProtoQualifier.Default, i % 3 == 0 ? DirQualifier.Src : DirQualifier.Default, AddrQualifier.Host), $"10.0.0.{i}", 0);
            FilterExpression term = i % 2 == 0 ? new AndExpression(Port((uint)i), host, 0) : new NotExpression(host, 0);
            var termText = i % 2 == 0 ? $"(port {i} and {(i % 3 == 0 ? "src " : "")}host 10.0.0.{i})" : $"not {(i % 3 == 0 ? "src " : "")}host 10.0.0.{i}";
            ast = ast == null ? term : i % 4 == 0 ? new AndExpression(ast, term, 0) : new OrExpression(ast, term, 0);
            text = text.Length == 0 ? termText : $"{text} {(i % 4 == 0 ? "and" : "or")} {termText}";
        }
        var expected = Libpcap.Compile(LinkType.EN10MB, Snaplen, text, optimize: false, out var error, Netmask);
        Assert.True(expected != null, error);
        Assert.Equal(expected, Ours(LinkType.EN10MB, ast!));
    }

    private static NumberId Port(uint p) =>
        new(new Qualifiers(ProtoQualifier.Default, DirQualifier.Default, AddrQualifier.Port), p, 0);
}
