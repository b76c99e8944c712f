using Bpf.Compiler;
using Bpf.Vm;
using static Bpf.Filtering.Tests.Asm;

namespace Bpf.Filtering.Tests;

public class PacketFilterCacheTests
{
    [Fact]
    public void For_CompilesOncePerLinkTypeAndSnaplen()
    {
        var cache = new PacketFilterCache("udp port 53");
        var ethernet = cache.For(LinkType.EN10MB, 65535);
        Assert.Same(ethernet, cache.For(LinkType.EN10MB, 65535));
        var cooked = cache.For(LinkType.LINUX_SLL, 65535);
        Assert.NotSame(ethernet, cooked);
        Assert.Same(ethernet, cache.For(LinkType.EN10MB, 65535));
        Assert.Equal(FilterCompiler.Compile("udp port 53", LinkType.LINUX_SLL, 65535), cooked.Program);
        Assert.Equal(FilterCompiler.Compile("udp port 53", LinkType.EN10MB, 96), cache.For(LinkType.EN10MB, 96).Program);
    }

    [Fact]
    public void For_PassesOptionsAndEngine()
    {
        var options = new CompilerOptions { Optimize = false };
        var cache = new PacketFilterCache("tcp", options, FilterEngine.Interpreter);
        var filter = cache.For(LinkType.EN10MB, 100);
        Assert.Equal(FilterEngine.Interpreter, filter.Engine);
        Assert.Equal(FilterCompiler.Compile("tcp", LinkType.EN10MB, 100, options), filter.Program);
    }

    [Fact]
    public void For_ExpressionThatDoesNotCompileForTheLinkType_ThrowsTheSameErrorEveryTime()
    {
        var cache = new PacketFilterCache("ether host 1:2:3:4:5:6");
        Assert.NotNull(cache.For(LinkType.EN10MB, 100));
        var first = Assert.Throws<FilterCompileException>(() => cache.For(LinkType.RAW, 100));
        var second = Assert.Throws<FilterCompileException>(() => cache.For(LinkType.RAW, 100));
        Assert.Equal(first.Kind, second.Kind);
        Assert.False(cache.TryGet(LinkType.RAW, 100, out var none));
        Assert.Null(none);
        Assert.True(cache.TryGet(LinkType.EN10MB, 100, out var ethernet));
        Assert.NotNull(ethernet);
    }

    [Fact]
    public void ExpressionPerLinkType_NullMeansNoFilter()
    {
        var cache = new PacketFilterCache(linkType => linkType == LinkType.EN10MB ? "ip" : null);
        Assert.True(cache.TryGet(LinkType.EN10MB, 100, out _));
        Assert.False(cache.TryGet(LinkType.RAW, 100, out _));
        Assert.Throws<InvalidOperationException>(() => cache.For(LinkType.RAW, 100));
    }

    [Fact]
    public void Program_RunsOnEveryLinkTypeAsIs()
    {
        var program = new BpfProgram([LdLen(), JK(Opcodes.Jgt, 3, 0, 1), RetK(96), RetK(0)]);
        var cache = new PacketFilterCache(program, FilterEngine.Interpreter);
        var filter = cache.For(LinkType.EN10MB, 100);
        Assert.Same(filter, cache.For(LinkType.RAW, 5));
        Assert.Same(program, filter.Program);
        cache.Prepare(LinkType.IPV4, 1);
        Assert.Equal(96u, filter.Run([1, 2, 3, 4], 4));
    }

    [Fact]
    public void Program_ThatCannotRun_IsRefusedAtConstruction()
    {
        var error = Assert.Throws<BpfValidationException>(() => new PacketFilterCache(new BpfProgram([LdImm(2), Ja(-1), RetK(1)])));
        Assert.Equal(ValidationErrorKind.JumpToItself, error.Kind);
    }

    [Fact]
    public void For_FromManyThreads_CompilesOnce()
    {
        var cache = new PacketFilterCache("tcp port 80");
        cache.Prepare(LinkType.EN10MB, 1000);
        var filters = new PacketFilter[8];
        Parallel.For(0, filters.Length, i => filters[i] = cache.For(LinkType.EN10MB, 1000));
        Assert.All(filters, f => Assert.Same(filters[0], f));
    }

    [Fact]
    public void UnknownEngine_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketFilterCache("ip", engine: (FilterEngine)9));
}
