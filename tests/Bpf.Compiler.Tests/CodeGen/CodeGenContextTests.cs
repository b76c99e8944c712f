using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>Per-compilation state: layouts, scratch registers, error kinds and positions.</summary>
public class CodeGenContextTests
{
    private static CodeGenOptions Options(LinkType t) => new(t, 262144, 0xffffffff, false);

    [Fact]
    public void AllocReg_SeventeenthRegister_IsTooComplex()
    {
        var cx = new CodeGenContext(Options(LinkType.EN10MB));
        for (var i = 0; i < 16; i++)
            Assert.Equal(i, cx.AllocReg());
        var e = Assert.Throws<FilterCompileException>(() => cx.AllocReg());
        Assert.Equal(FilterErrorKind.TooComplex, e.Kind);
        Assert.Equal("too many registers needed to evaluate expression", e.Message);
    }

    [Fact]
    public void FreeReg_ScanContinuesRoundRobin()
    {
        var cx = new CodeGenContext(Options(LinkType.EN10MB));
        Assert.Equal(0, cx.AllocReg());
        Assert.Equal(1, cx.AllocReg());
        cx.FreeReg(0);
        Assert.Equal(2, cx.AllocReg());
    }

    [Fact]
    public void UnknownLinkTypeOutsideMatchingRange_IsRejected()
    {
        var e = Assert.Throws<FilterCompileException>(() => new CodeGenContext(Options((LinkType)3)));
        Assert.Equal("unknown data link type 3 (min 104, max 289)", e.Message);
    }

    [Theory]
    [InlineData(LinkType.EN10MB, 12u, 14u, 0u)]
    [InlineData(LinkType.LINUX_SLL, 14u, 16u, 0u)]
    [InlineData(LinkType.FDDI, 13u, 13u, 8u)]
    [InlineData(LinkType.RAW, 0xffffffffu, 0u, 0u)]
    public void Layouts_FollowInitLinktype(LinkType t, uint linkType, uint payload, uint nl)
    {
        var cx = new CodeGenContext(Options(t));
        Assert.Equal(linkType, cx.OffLinkType.ConstantPart);
        Assert.Equal(payload, cx.OffLinkPl.ConstantPart);
        Assert.Equal(nl, cx.OffNl);
    }

    [Fact]
    public void Error_CarriesKindAndNodePosition()
    {
        var ast = new AndExpression(new ProtoAbbreviation(ProtoQualifier.IP, 0),
            new NumberId(new Qualifiers(ProtoQualifier.Default, DirQualifier.Default, AddrQualifier.Port), 70000, 12), 3);
        var e = Assert.Throws<FilterCompileException>(() => CodeGenerator.Generate(ast, Options(LinkType.EN10MB)));
        Assert.Equal(FilterErrorKind.ValueOutOfRange, e.Kind);
        Assert.Equal(12, e.Position);
        Assert.Equal("port number 70000 greater than maximum 65535", e.Message);
    }

    [Fact]
    public void UnsupportedPrimitive_IsUnsupportedForLinkType()
    {
        var e = Assert.Throws<FilterCompileException>(() =>
            CodeGenerator.Generate(new Mtp2TypeExpression(Mtp2Type.Fisu, 5), Options(LinkType.EN10MB)));
        Assert.Equal(FilterErrorKind.UnsupportedForLinkType, e.Kind);
        Assert.Equal(5, e.Position);
    }

    [Fact]
    public void EmptyExpression_IsASingleReturnOfTheSnaplen()
    {
        var root = CodeGenerator.Generate(new EmptyExpression(0), Options(LinkType.EN10MB), out var disabled);
        Assert.True(root.IsReturn);
        Assert.Equal(262144u, root.Branch.K);
        Assert.False(disabled);
    }

    [Theory]
    [InlineData(LinkType.EN10MB, false)]
    [InlineData(LinkType.PRISM_HEADER, true)]
    public void OptimizerDisabled_FollowsLibpcapNoOptimize(LinkType t, bool expected)
    {
        CodeGenerator.Generate(new ProtoAbbreviation(ProtoQualifier.IP, 0), Options(t), out var disabled);
        Assert.Equal(expected, disabled);
        CodeGenerator.Generate(new NumberId(new Qualifiers(ProtoQualifier.Default, DirQualifier.Default, AddrQualifier.Protochain), 6, 0),
            Options(LinkType.EN10MB), out var protochain);
        Assert.True(protochain);
    }

    [Fact]
    public void UnknownHostName_IsUnknownName()
    {
        var ast = new NameId(new Qualifiers(ProtoQualifier.Default, DirQualifier.Default, AddrQualifier.Host), "no.such.host", 4);
        var e = Assert.Throws<FilterCompileException>(() =>
            CodeGenerator.Generate(ast, Options(LinkType.EN10MB) with { Names = SystemNamesForTests.Instance }));
        Assert.Equal(FilterErrorKind.UnknownName, e.Kind);
        Assert.Equal("unknown host 'no.such.host'", e.Message);
        Assert.Equal(4, e.Position);
    }

    [Fact]
    public void IpBroadcast_WithoutNetmask_IsRejectedAsLibpcapDoes()
    {
        var e = Assert.Throws<FilterCompileException>(() =>
            CodeGenerator.Generate(new BroadcastExpression(ProtoQualifier.IP, 0), Options(LinkType.EN10MB)));
        Assert.Equal("netmask not known, so 'ip broadcast' not supported", e.Message);
    }
}
