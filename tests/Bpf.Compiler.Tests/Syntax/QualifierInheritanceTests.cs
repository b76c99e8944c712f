using Bpf.Compiler.Syntax;
using Bpf.Testing;
using Bpf.Vm;
using static Bpf.Compiler.Tests.Syntax.SyntaxTrees;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>
/// grammar.y.in's qualifier inheritance: a bare id takes the qualifiers of the term before it.
/// Each implicit form must give the same tree as its spelled-out form, and libpcap must compile
/// both to the same program (which ties our reading of the grammar to libpcap's).
/// </summary>
public sealed class QualifierInheritanceTests
{
    public static TheoryData<string, string> Pairs => new()
    {
        { "tcp dst port ftp or ftp-data", "tcp dst port ftp or tcp dst port ftp-data" },
        { "host 1.2.3.4 and not 1.2.3.5", "host 1.2.3.4 and not host 1.2.3.5" },
        { "not host 1.2.3.4 and 1.2.3.5", "not host 1.2.3.4 and host 1.2.3.5" },
        // A parenthesized expression passes on the qualifiers from before the parenthesis.
        { "host 1.2.3.4 and (port 1) or 2", "host 1.2.3.4 and port 1 or host 2" },
        { "tcp port 80 and (tcp[13] = 2) or 81", "tcp port 80 and (tcp[13] = 2) or tcp port 81" },
        { "src net 10.0.0.0/8 or 192.168.0.0/16", "src net 10.0.0.0/8 or src net 192.168.0.0/16" },
        { "ip6 src host ::1 or ::2", "ip6 src host ::1 or ip6 src host ::2" },
        { "udp port 53 or (54 or 55)", "udp port 53 or (udp port 54 or udp port 55)" },
        { "ether host aa:bb:cc:dd:ee:ff or 00:11:22:33:44:55", "ether host aa:bb:cc:dd:ee:ff or ether host 00:11:22:33:44:55" },
        { "port 1 and not not 2", "port 1 and not not port 2" },
        { "ip proto 6 or 17", "ip proto 6 or ip proto 17" },
        { "tcp src portrange 1-2 or 3-4 and not 5-6", "tcp src portrange 1-2 or tcp src portrange 3-4 and not tcp src portrange 5-6" },
        { "host 1.2.3.4 and (1.2.3.5 or 1.2.3.6)", "host 1.2.3.4 and (host 1.2.3.5 or host 1.2.3.6)" },
        { "host 1.2.3.4 && 1.2.3.5 || 1.2.3.6", "host 1.2.3.4 and host 1.2.3.5 or host 1.2.3.6" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ImplicitQualifiers_GiveTheSpelledOutTree(string implicitForm, string explicitForm)
    {
        Assert.Equal(Erase(FilterParser.Parse(explicitForm)), Erase(FilterParser.Parse(implicitForm)));
    }

    [LibpcapTheory]
    [MemberData(nameof(Pairs))]
    public void ImplicitQualifiers_LibpcapCompilesBothFormsAlike(string implicitForm, string explicitForm)
    {
        var a = Libpcap.Compile(LinkType.EN10MB, 262144, implicitForm, false, out var errorA);
        var b = Libpcap.Compile(LinkType.EN10MB, 262144, explicitForm, false, out var errorB);
        Assert.True(a is not null, errorA);
        Assert.True(b is not null, errorB);
        Assert.Equal(b, a);
    }

    /// <summary>Ids whose inherited qualifiers are libpcap's qerr: gencode, not the parser, rejects them.</summary>
    public static TheoryData<string> UndefinedCases => new()
    {
        "(tcp port 80) and 81",
        "(host 1.2.3.4) and 1.2.3.5",
        "tcp port 80 and vlan or 81",
        "not (port 1) and 2",
        "dst host 1.2.3.4 or tcp or 1.2.3.5",
        "ip[0] = 1 and 2",
    };

    [Theory]
    [MemberData(nameof(UndefinedCases))]
    public void IdAfterQualifierlessTerm_HasUndefinedQualifiers(string text)
    {
        var tree = FilterParser.Parse(text);
        var last = tree switch
        {
            AndExpression and => and.Right,
            OrExpression or => or.Right,
            _ => throw new InvalidOperationException(tree.ToString()),
        };
        var q = last switch
        {
            NumberId n => n.Qualifiers,
            HostId h => h.Qualifiers,
            _ => throw new InvalidOperationException(last.ToString()),
        };
        Assert.Equal(Qualifiers.Undefined, q);
    }

    [LibpcapTheory]
    [MemberData(nameof(UndefinedCases))]
    public void IdAfterQualifierlessTerm_LibpcapRejectsInCodeGeneration(string text)
    {
        Assert.Null(Libpcap.Compile(LinkType.EN10MB, 262144, text, false, out var error));
        Assert.Equal("syntax error in filter expression", error);
    }

    [Fact]
    public void HeadTerm_ResetsTheInheritedQualifiers()
    {
        var tree = Erase(FilterParser.Parse("tcp port 1 or udp src 2 or 3"));
        Assert.Equal(
            Or(Or(Number(Q(ProtoQualifier.Tcp, addr: AddrQualifier.Port), 1), Number(Q(ProtoQualifier.Udp, DirQualifier.Src), 2)),
               Number(Q(ProtoQualifier.Udp, DirQualifier.Src), 3)),
            tree);
    }
}
