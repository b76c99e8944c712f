using Bpf.Compiler;
using Bpf.Testing;
using Bpf.Vm;
using static Bpf.Filtering.Tests.Asm;

namespace Bpf.Filtering.Tests;

public class PacketFilterTests
{
    private static readonly string[] s_benchmarkFilters =
    [
        "tcp port 80", "udp and (port 53 or port 5353)", "host 192.168.1.1 and not port 22",
        "vlan and udp port 5000", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
    ];

    public static TheoryData<FilterEngine, string> FiltersPerEngine()
    {
        var data = new TheoryData<FilterEngine, string>();
        foreach (var engine in new[] { FilterEngine.Interpreter, FilterEngine.Jit })
            foreach (var filter in s_benchmarkFilters)
                data.Add(engine, filter);
        return data;
    }

    [LibpcapTheory]
    [MemberData(nameof(FiltersPerEngine))]
    public void Compile_OnTheEthernetCorpus_RunsLikeLibpcap(FilterEngine engine, string expression)
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus("EN10MB"));
        var filter = PacketFilter.Compile(expression, new PacketFilterOptions { LinkType = linkType, Snaplen = snaplen, Engine = engine });
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
    [InlineData(FilterEngine.Interpreter)]
    [InlineData(FilterEngine.Jit)]
    public void Create_RunsTheProgramOnTheChosenEngine(FilterEngine engine)
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
    public void Create_AutoChoosesTheJitWhereItRuns() =>
        Assert.Equal(FilterEngine.Jit, PacketFilter.Create(new BpfProgram([RetK(1)])).Engine);

    [Fact]
    public void Compile_DefaultsToEthernetSnaplenAndJit()
    {
        var filter = PacketFilter.Compile("ip");
        Assert.Equal(FilterEngine.Jit, filter.Engine);
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
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketFilter.Create(new BpfProgram([RetK(1)]), (FilterEngine)7));

    [Fact]
    public void NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => PacketFilter.Create((BpfProgram)null!));
        Assert.Throws<ArgumentNullException>(() => PacketFilter.Compile(null!));
    }

    [Theory]
    [InlineData(FilterEngine.Interpreter)]
    [InlineData(FilterEngine.Jit)]
    public void Run_AllocatesNothing(FilterEngine engine)
    {
        var filter = PacketFilter.Compile("tcp port 80", new PacketFilterOptions { Engine = engine });
        var packet = new byte[64];
        filter.Matches(packet);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            filter.Matches(packet);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // Programs libpcap's bpf_validate passes but no engine can run: refused before any packet, on every engine.
    public static TheoryData<FilterEngine, ValidationErrorKind, Instruction[]> UnrunnablePrograms()
    {
        var data = new TheoryData<FilterEngine, ValidationErrorKind, Instruction[]>();
        foreach (var engine in Enum.GetValues<FilterEngine>())
        {
            data.Add(engine, ValidationErrorKind.UnknownOpcode, [LdImm(2), Instruction.Stmt(0xff), RetK(1)]);
            data.Add(engine, ValidationErrorKind.JumpToItself, [LdImm(2), Ja(-1), RetK(1)]);
            data.Add(engine, ValidationErrorKind.JumpOutOfRange, [LdImm(2), Ja(5), RetK(1)]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UnrunnablePrograms))]
    public void Create_ProgramNoEngineCanRun_IsRefusedWithKindAndIndex(FilterEngine engine, ValidationErrorKind kind, Instruction[] program)
    {
        var error = Assert.Throws<BpfValidationException>(() => PacketFilter.Create(new BpfProgram(program), engine));
        Assert.Equal(kind, error.Kind);
        Assert.Equal(1, error.InstructionIndex);
        // One line that names the instruction once (no "instruction 1: instruction 1 (...)").
        Assert.DoesNotContain('\n', error.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "instruction 1"));
    }

    [Fact]
    public void Create_BackwardJumpOfProtochain_Runs()
    {
        var program = FilterCompiler.Compile("ip protochain 6");
        Assert.Contains(program, i => i.Code == (Opcodes.Jmp | Opcodes.Ja) && (int)i.K < 0);
        var filter = PacketFilter.Create(program);
        Assert.Equal(0u, filter.Run(new byte[64], 64));
    }

    [Fact]
    public void Compile_PassesTheCompilerOptions()
    {
        var options = new CompilerOptions { Optimize = false };
        var filter = PacketFilter.Compile("tcp port 80", new PacketFilterOptions { LinkType = LinkType.LINUX_SLL, Snaplen = 96, Compiler = options });
        Assert.Equal(FilterCompiler.Compile("tcp port 80", LinkType.LINUX_SLL, 96, options), filter.Program);
    }

    [Fact]
    public void Create_FromARunnableProgram_UsesItAsIs()
    {
        var runnable = RunnableProgram.Validate(new BpfProgram([RetK(7)]));
        var filter = PacketFilter.Create(runnable, FilterEngine.Interpreter);
        Assert.Same(runnable.Program, filter.Program);
        Assert.IsType<BpfInterpreter>(filter.Runner);
        Assert.Equal(7u, filter.AsDelegate()([], 0));
    }
}
