using System.Globalization;
using Bpf.Cli.Bench;
using Bpf.Filtering;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Cli.Tests.Bench;

public class FilterBenchTests
{
    private static readonly byte[][] s_packets = [[1, 0], [2, 0], [1], [3, 3, 3]];
    private static readonly uint[] s_wire = [2, 2, 60, 3];

    // Accepts packets whose first byte is 1.
    private static readonly BpfProgram s_firstByteIsOneProgram = new(
    [
        Instruction.Stmt(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 0),
        Instruction.Jump(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 1, 0, 1),
        Instruction.Stmt(Opcodes.Ret | Opcodes.K, 96),
        Instruction.Stmt(Opcodes.Ret | Opcodes.K, 0),
    ]);

    private static readonly BpfFilterDelegate s_firstByteIsOne = PacketFilter.Create(s_firstByteIsOneProgram, FilterEngine.Jit).AsDelegate();

    [Fact]
    public void Run_CountsAcceptedPacketsOfOnePass()
    {
        var result = FilterBench.Run(s_packets, s_wire, s_firstByteIsOne, TimeSpan.Zero);
        Assert.Equal(2, result.Accepted);
    }

    [Fact]
    public void Run_MakesWholePassesAndReportsTimePerRun()
    {
        var result = FilterBench.Run(s_packets, s_wire, s_firstByteIsOne, TimeSpan.FromMilliseconds(1));
        Assert.True(result.Packets >= s_packets.Length);
        Assert.Equal(0, result.Packets % s_packets.Length);
        Assert.True(result.NsPerPacket > 0);
    }

    [Theory]
    [InlineData(FilterEngine.Interpreter)]
    [InlineData(FilterEngine.Jit)]
    public void Run_PacketFilter_CountsWhatItMatches(FilterEngine engine)
    {
        var filter = PacketFilter.Create(s_firstByteIsOneProgram, engine);
        Assert.Equal(2, FilterBench.Run(s_packets, s_wire, filter.AsDelegate(), TimeSpan.Zero).Accepted);
    }

    [Fact]
    public void Run_MismatchedCounts_Throws() =>
        Assert.Throws<ArgumentException>(() => FilterBench.Run(s_packets, [1, 2], s_firstByteIsOne, TimeSpan.Zero));

    [Fact]
    public void Run_NoPackets_Throws() =>
        Assert.Throws<ArgumentException>(() => FilterBench.Run([], [], s_firstByteIsOne, TimeSpan.Zero));

    [Fact]
    public void ToLine_IsTheBenchVerbLine()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Assert.Equal("engine jit ns_per_packet 2.10 packets 123456789 accepted 4567",
                new BenchResult(2.1, 123456789, 4567).ToLine("jit"));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [LibpcapFact]
    public void Run_OnTheEthernetCorpus_AcceptsWhatLibpcapAccepts()
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus("EN10MB"));
        var program = Libpcap.Compile(linkType, snaplen, "tcp port 80", optimize: true, out _)!;
        var expected = packets.Count(p => Libpcap.Filter(program, p.Data, p.WireLength) != 0);
        var result = FilterBench.Run(packets.Select(p => p.Data).ToArray(), packets.Select(p => p.WireLength).ToArray(),
            PacketFilter.Create(new BpfProgram(program)).AsDelegate(), TimeSpan.Zero);
        Assert.Equal(expected, result.Accepted);
    }
}
