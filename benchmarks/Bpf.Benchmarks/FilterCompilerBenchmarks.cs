using BenchmarkDotNet.Attributes;
using Bpf.Compiler;

using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>
/// Expression compile time, ours against libpcap's <c>pcap_compile</c> through P/Invoke (the
/// baseline), optimized as both compile by default. Run with
/// <c>dotnet run -c Release --project benchmarks/Bpf.Benchmarks -- --filter '*FilterCompiler*'</c>.
/// </summary>
[MemoryDiagnoser]
public class FilterCompilerBenchmarks
{
    [Params(
        "tcp port 80",
        "udp and (port 53 or port 5353)",
        "host 192.168.1.1 and not port 22",
        "vlan and udp port 5000",
        "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
        "(tcp port 80 or tcp port 443) and net 10.0.0.0/8 and not host 10.1.2.3")]
    public string Expression { get; set; } = "";

    [Benchmark(Baseline = true)]
    public int Libpcap() => NativeLibpcap.Compile(LinkType.EN10MB, Expression).Length;

    [Benchmark]
    public int Ours() => FilterCompiler.Compile(Expression, LinkType.EN10MB).Count;
}
