using Bpf.Vm;

namespace Bpf.Testing;

/// <summary>Locates the repository's shared test data (tests/data) from a test's output folder.</summary>
internal static class TestData
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        foreach (var meta in typeof(TestData).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false))
            if (meta is System.Reflection.AssemblyMetadataAttribute { Key: "RepoRoot", Value: { } root }
                && System.IO.File.Exists(Path.Combine(root, "Bpf.sln")))
                return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Bpf.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no Bpf.sln above {AppContext.BaseDirectory}");
    });

    /// <summary>The repository root (the folder holding Bpf.sln).</summary>
    public static string RepoRoot => s_root.Value;

    /// <summary>tests/data.</summary>
    public static string Directory => Path.Combine(RepoRoot, "tests", "data");

    /// <summary>A file under tests/data.</summary>
    public static string File(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>The real captures, one per link type, copied from the shared corpus.</summary>
    public static string CorpusDirectory => Path.Combine(Directory, "corpus");

    /// <summary>Every capture file of the corpus.</summary>
    public static IReadOnlyList<string> CorpusFiles =>
        System.IO.Directory.GetFiles(CorpusDirectory, "*.pcap").Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Hand-made captures (tests/data/generated, written by tests/data/make-captures.py): encapsulations and
    /// frames the real corpus lacks, named LINKTYPE-WHAT.pcap.
    /// </summary>
    public static IReadOnlyList<string> GeneratedFiles =>
        System.IO.Directory.Exists(Path.Combine(Directory, "generated"))
            ? System.IO.Directory.GetFiles(Path.Combine(Directory, "generated"), "*.pcap").Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The generated captures of one link type (<c>LINKTYPE-*.pcap</c>).</summary>
    public static IEnumerable<string> Generated(string linkTypeName) =>
        GeneratedFiles.Where(f => Path.GetFileName(f).StartsWith(linkTypeName + "-", StringComparison.Ordinal));

    /// <summary>The corpus capture of one link type, e.g. <c>Corpus("EN10MB")</c>.</summary>
    public static string Corpus(string linkTypeName) => Path.Combine(CorpusDirectory, linkTypeName + ".pcap");
}

/// <summary>A fact that is skipped, with the reason, unless the tests run as root (live capture).</summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "live capture tests run on Linux only";
        else if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
            Skip = "live capture needs root (CI runs as root)";
    }
}

/// <summary>A theory that is skipped, with the reason, unless the tests run as root (live capture).</summary>
internal sealed class RootTheoryAttribute : TheoryAttribute
{
    public RootTheoryAttribute() => Skip = new RootFactAttribute().Skip;
}
