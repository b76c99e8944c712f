using BenchmarkDotNet.Running;

using Bpf.Vm;

namespace Bpf.Benchmarks;

internal static class Program
{
    private static void Main(string[] args)
    {
        // Resolve the capture here, where the working directory is the repository: BenchmarkDotNet
        // runs each benchmark in a child process built in another folder, which inherits this.
        Environment.SetEnvironmentVariable(Corpus.PathVariable, Corpus.EthernetPath);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
