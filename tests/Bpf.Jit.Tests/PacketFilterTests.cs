using Bpf.Compiler;
using Bpf.Testing;
using static Bpf.Jit.Tests.Asm;

using Bpf.Vm;

namespace Bpf.Jit.Tests;

public class PacketFilterTests
{
    private static readonly string[] s_benchmarkFilters =
    [
        "tcp port 80", "udp and (port 53 or port 5353)", "host 192.168.1.1 and not port 22",
        "vlan and udp port 5000", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
    ];

    public static TheoryData<BpfEngine, string> FiltersPerEngine()
    {
        var data = new TheoryData<BpfEngine, string>();
        foreach (var engine in Enum.GetValues<BpfEngine>())
            foreach (var filter in s_benchmarkFilters)
                data.Add(engine, filter);
        return data;
    }

    [LibpcapTheory]
    [MemberData(nameof(FiltersPerEngine))]
    public void Compile_OnTheEthernetCorpus_RunsLikeLibpcap(BpfEngine engine, string expression)
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus("EN10MB"));
        var filter = PacketFilter.Compile(expression, linkType, snaplen, engine);
        var program = Libpcap.Compile(linkType, snaplen, expression, optimize: true, out _)!;
        Assert.Equal(engine, filter.Engine);
        foreach (var packet in packets)
        {
            var expected = Libpcap.Filter(program, packet.Data, packet.WireLength);
            Assert.Equal(expected, filter.Run(packet.Data, packet.WireLength));
            Assert.Equal(expected != 0, filter.Matches(packet.Data, packet.WireLength));
        }
    }

    [Theory]
    [InlineData(BpfEngine.Interpreter)]
    [InlineData(BpfEngine.Jit)]
    public void Create_RunsTheProgramOnTheChosenEngine(BpfEngine engine)
    {
        var program = new BpfProgram([LdLen(), JK(Opcodes.Jgt, 3, 0, 1), RetK(96), RetK(0)]);
        var filter = PacketFilter.Create(program, engine);
        Assert.Same(program, filter.Program);
        Assert.Equal(engine, filter.Engine);
        Assert.True(filter.Matches([1, 2, 3, 4]));
        Assert.False(filter.Matches([1, 2, 3]));
        Assert.Equal(96u, filter.Run([1], 1500));
    }

    [Fact]
    public void Create_DefaultsToTheJit() =>
        Assert.Equal(BpfEngine.Jit, PacketFilter.Create(new BpfProgram([RetK(1)])).Engine);

    [Fact]
    public void Compile_DefaultsToEthernetSnaplenAndJit()
    {
        var filter = PacketFilter.Compile("ip");
        Assert.Equal(BpfEngine.Jit, filter.Engine);
        var ipv4 = new byte[34];
        ipv4[12] = 0x08;
        Assert.Equal((uint)FilterCompiler.DefaultSnaplen, filter.Run(ipv4, 60));
    }

    [Fact]
    public void Compile_BadExpression_ThrowsFilterCompileException() =>
        Assert.Throws<FilterCompileException>(() => PacketFilter.Compile("tcp port"));

    [Fact]
    public void Create_InvalidProgram_ThrowsBpfValidationException() =>
        Assert.Throws<BpfValidationException>(() => PacketFilter.Create(new BpfProgram([LdImm(1)])));

    [Fact]
    public void Create_UnknownEngine_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketFilter.Create(new BpfProgram([RetK(1)]), (BpfEngine)7));

    [Fact]
    public void NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => PacketFilter.Create(null!));
        Assert.Throws<ArgumentNullException>(() => PacketFilter.Compile(null!));
    }

    [Theory]
    [InlineData(BpfEngine.Interpreter)]
    [InlineData(BpfEngine.Jit)]
    public void Run_AllocatesNothing(BpfEngine engine)
    {
        var filter = PacketFilter.Compile("tcp port 80", engine: engine);
        var packet = new byte[64];
        filter.Matches(packet);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            filter.Matches(packet);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
