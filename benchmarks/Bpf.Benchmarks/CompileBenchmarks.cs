using BenchmarkDotNet.Attributes;
using Bpf.Jit;

using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>
/// How long the JIT takes to turn a program into a callable delegate: IL emission alone (the .NET
/// JIT then compiles the method lazily on its first call), and emission plus that first call, next to
/// libpcap's pcap_compile of the expression for scale.
/// </summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private BpfProgram _program = null!;
    private readonly byte[] _packet = new byte[64];

    // 33 instructions with libpcap's optimizer.
    [Params("tcp port 80 or udp port 53")]
    public string Filter { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _program = new BpfProgram(NativeLibpcap.Compile(LinkType.EN10MB, Filter));

    // For scale: libpcap's own pcap_compile of the same expression.
    [Benchmark(Baseline = true)]
    public int LibpcapCompile() => NativeLibpcap.Compile(LinkType.EN10MB, Filter).Length;

    [Benchmark]
    public BpfFilterDelegate Compile() => BpfJit.Compile(_program);

    [Benchmark]
    public uint CompileAndFirstRun() => BpfJit.Compile(_program)(_packet, 64);
}
