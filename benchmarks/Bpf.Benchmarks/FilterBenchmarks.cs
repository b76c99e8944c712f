using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Bpf.Compiler;
using Bpf.Jit;

using Bpf.Vm;
using Interop.Libpcap;

namespace Bpf.Benchmarks;

/// <summary>
/// Per-packet cost of each engine on real Ethernet packets: libpcap's C <c>bpf_filter</c> (baseline)
/// against our interpreter and JIT, all running the same program (our compiler's, which setup checks
/// equals libpcap's). Results are per packet (<see cref="Corpus.PacketsPerInvoke"/> per invocation).
/// </summary>
[MemoryDiagnoser]
public unsafe class FilterBenchmarks
{
    private PacketBuffer _packets = null!;
    private Instruction* _native;
    private BpfFilterDelegate _jit = null!;
    private BpfInterpreter _interpreter = null!;

    [Params(
        "tcp port 80",
        "udp and (port 53 or port 5353)",
        "host 192.168.1.1 and not port 22",
        "vlan and udp port 5000",
        "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn")]
    public string Filter { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var (packets, wire) = Corpus.Ethernet();
        _packets = new PacketBuffer(packets, wire);
        var program = FilterCompiler.Compile(Filter, LinkType.EN10MB);
        if (!program.AsSpan().SequenceEqual(NativeLibpcap.Compile(LinkType.EN10MB, Filter)))
            throw new InvalidOperationException($"our compiler and libpcap's differ on '{Filter}'");
        _native = (Instruction*)NativeMemory.Alloc((nuint)program.Count, (nuint)sizeof(Instruction));
        program.AsSpan().CopyTo(new Span<Instruction>(_native, program.Count));
        _jit = BpfJit.Compile(program);
        _interpreter = new BpfInterpreter(program);
        if (Libpcap() != Jit() || Libpcap() != Interpreter())
            throw new InvalidOperationException($"engines disagree on '{Filter}'");
    }

    [GlobalCleanup]
    public void Cleanup() => NativeMemory.Free(_native);

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.PacketsPerInvoke)]
    public int Libpcap()
    {
        var accepted = 0;
        var wire = _packets.WireLengths;
        for (var i = 0; i < _packets.Count; i++)
            if (LibpcapNative.bpf_filter(_native, _packets.Pointer(i), wire[i], _packets.Length(i)) != 0)
                accepted++;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Corpus.PacketsPerInvoke)]
    public int Interpreter()
    {
        var accepted = 0;
        var wire = _packets.WireLengths;
        var interpreter = _interpreter;
        for (var i = 0; i < _packets.Count; i++)
            if (interpreter.Run(_packets.Packet(i), wire[i]) != 0)
                accepted++;
        return accepted;
    }

    [Benchmark(OperationsPerInvoke = Corpus.PacketsPerInvoke)]
    public int Jit()
    {
        var accepted = 0;
        var wire = _packets.WireLengths;
        var filter = _jit;
        for (var i = 0; i < _packets.Count; i++)
            if (filter(_packets.Packet(i), wire[i]) != 0)
                accepted++;
        return accepted;
    }
}
