using BenchmarkDotNet.Attributes;
using Bpf.Compiler;

namespace Bpf.Benchmarks;

/// <summary>
/// Compile time per expression over the whole differential corpus (tests/data/expressions, every link
/// type; see <see cref="ExpressionCorpus"/>), warm: ours against <c>pcap_compile</c> in the same run, per
/// compatibility mode against that mode's libpcap (<c>head</c>: the development head's build,
/// <c>1.10</c>: the system's 1.10.3), both optimizing, netmask unknown, snaplen 262144. Each invocation
/// compiles the next <see cref="Batch"/> expressions of the corpus, cycling, so an iteration covers the
/// corpus many times; the times and the allocation are per expression. The per-expression distribution
/// (median of per-expression ratios) is <c>Bpf.Benchmarks compile-ratios</c>; both run from
/// benchmarks/scripts/compile.sh.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class CorpusCompileBenchmarks
{
    /// <summary>Expressions per invocation.</summary>
    public const int Batch = 1024;

    private CorpusExpression[] _corpus = [];
    private (IntPtr Handle, byte[] Text)[] _native = [];
    private LibpcapCompiler? _libpcap;
    private CompilerOptions _options = CompilerOptions.Default;
    private int _nextOurs;
    private int _nextTheirs;

    /// <summary>The compatibility mode and the libpcap it is measured against.</summary>
    [Params("head", "1.10")]
    public string Mode { get; set; } = "head";

    [GlobalSetup]
    public void Setup()
    {
        _corpus = ExpressionCorpus.Load();
        _libpcap = Mode == "head" ? LibpcapCompiler.Head() : LibpcapCompiler.System();
        _native = _libpcap.Prepare(_corpus);
        _options = new CompilerOptions { Compatibility = Mode == "head" ? LibpcapCompatibility.Head : LibpcapCompatibility.V1_10 };
        // Warm: an invocation sees a thousand of the corpus's expressions, so BenchmarkDotNet's own
        // warm-up would leave the paths of most link types cold (first calls, tier-0 code).
        for (int pass = 0; pass < 40 * _corpus.Length / Batch; pass++)
        {
            PcapCompile();
            Ours();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _libpcap?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public int PcapCompile()
    {
        int instructions = 0;
        for (int i = 0; i < Batch; i++)
        {
            var (handle, text) = _native[_nextTheirs];
            _nextTheirs = (_nextTheirs + 1) % _native.Length;
            instructions += _libpcap!.Compile(handle, text);
        }
        return instructions;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Ours()
    {
        int instructions = 0;
        for (int i = 0; i < Batch; i++)
        {
            var row = _corpus[_nextOurs];
            _nextOurs = (_nextOurs + 1) % _corpus.Length;
            // A refusal is a return value, as pcap_compile's -1.
            if (FilterCompiler.TryCompile(row.Expression, out var program, out _, row.LinkType, FilterCompilerDefaults.Snaplen, _options))
                instructions += program.Count;
            else
                instructions--;
        }
        return instructions;
    }
}
