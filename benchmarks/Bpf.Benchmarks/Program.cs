using BenchmarkDotNet.Running;

using Bpf.Vm;

namespace Bpf.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Not a BenchmarkDotNet run: the receiving side of benchmarks/scripts/udpcap.sh.
        if (args.Length > 0 && args[0] == "udp-load")
            return UdpLoad.Run(args[1..]);
        // Not a BenchmarkDotNet run: per-expression compile ratios (benchmarks/scripts/compile.sh).
        if (args.Length > 0 && args[0] == "compile-ratios")
            return CompileRatios.Run(args[1..]);
        // Not a BenchmarkDotNet run either: benchmarks/scripts/many.sh (several filters in one pass).
        if (args.Length > 0 && args[0] == "many")
            return ManyFilters.Run(args[1..]);
        // Resolve the capture here, where the working directory is the repository: BenchmarkDotNet
        // runs each benchmark in a child process built in another folder, which inherits this.
        Environment.SetEnvironmentVariable(Corpus.PathVariable, Corpus.EthernetPath);
        Environment.SetEnvironmentVariable(ExpressionCorpus.PathVariable, ExpressionCorpus.Folder);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
