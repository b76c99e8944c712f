using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests;

/// <summary>The public entry point: options, snaplen, errors and thread safety, against libpcap where it has a say.</summary>
public class FilterCompilerTests
{
    private static readonly Instruction RetK = Instruction.Stmt(Opcodes.Ret | Opcodes.K, 0);

    [Fact]
    public void NullExpression_Throws() =>
        Assert.Throws<ArgumentNullException>(() => FilterCompiler.Compile(null!));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyExpression_AcceptsWithTheSnaplen(string expression) =>
        Assert.Equal([RetK with { K = 1234 }], FilterCompiler.Compile(expression, LinkType.EN10MB, 1234).ToArray());

    [Fact]
    public void TryCompile_NullExpression_Throws() =>
        Assert.Throws<ArgumentNullException>(() => FilterCompiler.TryCompile(null!, out _, out _));

    [Theory]
    [InlineData("tcp port", 0, FilterErrorKind.Syntax)] // worded by the predictive parser
    [InlineData("type bogus", 262144, FilterErrorKind.UnknownName)] // thrown inside the grammar
    [InlineData("port 99999", 262144, FilterErrorKind.ValueOutOfRange)] // thrown by code generation
    [InlineData("tcp and udp", 262144, FilterErrorKind.RejectsAllPackets)] // the optimizer's verdict
    [InlineData("ether host 1:2:3:4:5", 262144, FilterErrorKind.Syntax)] // a scanner error, reworded in head mode
    public void TryCompile_ReturnsTheErrorCompileThrows(string expression, int snaplen, FilterErrorKind kind)
    {
        if (snaplen == 0)
            kind = FilterErrorKind.RejectsAllPackets;
        var thrown = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile(expression, LinkType.EN10MB, snaplen));
        Assert.False(FilterCompiler.TryCompile(expression, out var program, out var error, LinkType.EN10MB, snaplen));
        Assert.Null(program);
        Assert.NotNull(error);
        Assert.Equal((kind, thrown.Kind, thrown.Position, thrown.Message), (error.Kind, error.Kind, error.Position, error.Message));
    }

    [Theory]
    [InlineData(LibpcapCompatibility.Head)]
    [InlineData(LibpcapCompatibility.V1_10)]
    public void TryCompile_SameAnswersAsCompile_OverTheCorpus(LibpcapCompatibility mode)
    {
        var options = new CompilerOptions { Compatibility = mode };
        int refused = 0, compiled = 0;
        foreach (var path in Directory.GetFiles(TestData.File("expressions"), "*.txt"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("known-failures", StringComparison.Ordinal))
                continue;
            var linkType = LinkTypes.Parse(name);
            foreach (var expression in File.ReadLines(path).Where(line => line.Length > 0 && line[0] != '#'))
            {
                BpfProgram? expected = null;
                FilterCompileException? thrown = null;
                try
                {
                    expected = FilterCompiler.Compile(expression, linkType, 262144, options);
                }
                catch (FilterCompileException e)
                {
                    thrown = e;
                }
                var ok = FilterCompiler.TryCompile(expression, out var program, out var error, linkType, 262144, options);
                if (expected is not null)
                {
                    Assert.True(ok, $"{linkType} '{expression}': {error?.Message}");
                    Assert.Equal(expected.ToArray(), program!.ToArray());
                    compiled++;
                }
                else
                {
                    Assert.False(ok, $"{linkType} '{expression}' compiled, Compile threw {thrown!.Message}");
                    Assert.Equal((thrown!.Kind, thrown.Position, thrown.Message), (error!.Kind, error.Position, error.Message));
                    refused++;
                }
            }
        }
        Assert.True(refused > 500 && compiled > 1000, $"{refused} refused, {compiled} compiled");
    }

    [Fact]
    public void DefaultArguments_AreEthernetWithSnaplen262144() =>
        Assert.Equal(FilterCompiler.Compile("ip", LinkType.EN10MB, 262144, CompilerOptions.Default), FilterCompiler.Compile("ip"));

    [Fact]
    public void ZeroSnaplen_IsRefusedBeforeParsing()
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile("((", LinkType.EN10MB, 0));
        Assert.Equal(FilterErrorKind.RejectsAllPackets, e.Kind);
        Assert.Equal("snaplen of 0 rejects all packets", e.Message);
    }

    [Theory]
    [InlineData("tcp and udp")]
    [InlineData("ip and not ip")]
    public void RejectAll_IsAnErrorOnlyWhenOptimizing(string expression)
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile(expression));
        Assert.Equal(FilterErrorKind.RejectsAllPackets, e.Kind);
        Assert.Equal("expression rejects all packets", e.Message);
        var program = FilterCompiler.Compile(expression, options: new CompilerOptions { Optimize = false });
        Assert.True(program.Count > 1);
    }

    [Fact]
    public void SyntaxError_HasKindAndPosition()
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile("tcp port"));
        Assert.Equal(FilterErrorKind.Syntax, e.Kind);
        Assert.InRange(e.Position, 0, "tcp port".Length);
    }

    [Fact]
    public void UnknownName_IsReported()
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterCompiler.Compile("port nosuchservice"));
        Assert.Equal(FilterErrorKind.UnknownName, e.Kind);
    }

    [LibpcapTheory]
    [InlineData("ip broadcast", 0xffffffffu)]
    [InlineData("ip broadcast", 0xffffff00u)]
    [InlineData("ip broadcast", 0xffff0000u)]
    [InlineData("ip broadcast or ip multicast", 0u)]
    public void Netmask_IsUsedAsLibpcapUsesIt(string expression, uint netmask)
    {
        var expected = Libpcap.Compile(LinkType.EN10MB, 262144, expression, true, out var error, netmask);
        try
        {
            var ours = FilterCompiler.Compile(expression, options: new CompilerOptions { Netmask = netmask, Compatibility = LibpcapCompatibility.V1_10 });
            Assert.True(expected != null, $"libpcap rejects: {error}");
            Assert.Equal(expected, ours.ToArray());
        }
        catch (FilterCompileException e)
        {
            Assert.True(expected == null, $"we reject ({e.Message}), libpcap compiles");
            Assert.Equal(error, e.Message);
        }
    }

    [LibpcapTheory]
    [InlineData(1)]
    [InlineData(96)]
    [InlineData(65535)]
    [InlineData(262144)]
    [InlineData(-1)]
    public void Snaplen_IsTheAcceptValue(int snaplen)
    {
        foreach (var optimize in new[] { true, false })
        {
            var expected = Libpcap.Compile(LinkType.EN10MB, snaplen, "tcp port 80", optimize, out var error);
            Assert.True(expected != null, error);
            Assert.Equal(expected, FilterCompiler.Compile("tcp port 80", LinkType.EN10MB, snaplen, new CompilerOptions { Optimize = optimize }).ToArray());
        }
    }

    [LibpcapFact]
    public void ProtochainGraphs_AreNeverOptimized_AsInLibpcap()
    {
        var expected = Libpcap.Compile(LinkType.EN10MB, 262144, "ip protochain 6", true, out _);
        var unoptimized = Libpcap.Compile(LinkType.EN10MB, 262144, "ip protochain 6", false, out _);
        Assert.Equal(unoptimized, expected);
        var v110 = new CompilerOptions { Compatibility = LibpcapCompatibility.V1_10 };
        Assert.Equal(expected, FilterCompiler.Compile("ip protochain 6", options: v110).ToArray());
    }

    [Fact]
    public void ParallelCompiles_GiveTheSameProgramsAsSequentialOnes()
    {
        string[] expressions = ["tcp port 80", "host localhost", "port domain", "ip proto \\udp", "vlan 10 and ip", "net 10.0.0.0/8", "ether proto \\arp"];
        var sequential = expressions.Select(e => FilterCompiler.Compile(e)).ToArray();
        var parallel = new BpfProgram[expressions.Length * 16];
        Parallel.For(0, parallel.Length, i => parallel[i] = FilterCompiler.Compile(expressions[i % expressions.Length]));
        for (var i = 0; i < parallel.Length; i++)
            Assert.Equal(sequential[i % expressions.Length], parallel[i]);
    }

    [Fact]
    public void Programs_PassLibpcapsValidationRules()
    {
        foreach (var e in new[] { "tcp port 80", "ip protochain 6", "vlan and vlan 200", "port 1 or port 2 or port 3" })
            Assert.True(BpfValidator.Validate(FilterCompiler.Compile(e), ValidationProfile.Libpcap).IsValid, e);
    }
}
