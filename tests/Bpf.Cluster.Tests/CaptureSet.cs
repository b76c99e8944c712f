using Bpf.Cli;
using Bpf.Testing;

namespace Bpf.Cluster.Tests;

/// <summary>Runs the tool in-process with captured streams (client side: local runs and --cluster runs alike).</summary>
internal static class Tool
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = Program.Run(args, new CliContext(stdout, stderr, new StringReader(""), ErrorIsTerminal: false));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>
/// A folder of captures for a job: the corpus (one real capture per link type, 30 of them) and
/// extra copies of the Ethernet capture, so silos have many files of very different sizes.
/// </summary>
internal sealed class CaptureSet : IDisposable
{
    public CaptureSet(int ethernetCopies, Action<string>? damage = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"bpf-cluster-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var file in TestData.CorpusFiles)
            File.Copy(file, Path.Combine(Directory, Path.GetFileName(file)));
        for (var i = 0; i < ethernetCopies; i++)
            File.Copy(TestData.Corpus("EN10MB"), Path.Combine(Directory, $"EN10MB-copy{i:00}.pcap"));
        damage?.Invoke(Directory);
    }

    public string Directory { get; }

    public string Glob => Path.Combine(Directory, "*.pcap");

    public IReadOnlyList<string> Files => System.IO.Directory.GetFiles(Directory, "*.pcap").Order(StringComparer.Ordinal).ToArray();

    public string NewFolder(string name)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
