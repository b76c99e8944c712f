using BenchmarkDotNet.Attributes;
using Bpf.Jit;

namespace Bpf.Benchmarks;

/// <summary>
/// How long the JIT takes to turn a program into a callable delegate: IL emission alone (the .NET
/// JIT then compiles the method lazily on its first call), and emission plus that first call.
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

    [Benchmark]
    public BpfFilterDelegate Compile() => BpfJit.Compile(_program);

    [Benchmark]
    public uint CompileAndFirstRun() => BpfJit.Compile(_program)(_packet, 64);
}
