using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>One line of the differential corpus: the link type (its file's name) and the expression.</summary>
/// <param name="LinkType">The link type the expression is compiled for.</param>
/// <param name="Expression">The pcap-filter expression.</param>
internal sealed record CorpusExpression(LinkType LinkType, string Expression);

/// <summary>
/// The whole differential corpus, tests/data/expressions/*.txt (every link type; the known-failures
/// lists excluded), in file then line order: the expressions the compile suite times. Lines libpcap
/// rejects stay in: refusing bad input is part of what a compiler's caller pays for.
/// </summary>
internal static class ExpressionCorpus
{
    /// <summary>Set by <see cref="Program"/> so benchmark child processes, built elsewhere, find the folder.</summary>
    public const string PathVariable = "BPF_BENCH_EXPRESSIONS";

    public static string Folder => RepositoryData.Find(PathVariable, folder: true, "tests", "data", "expressions");

    /// <summary>Every expression of the corpus with its link type.</summary>
    public static CorpusExpression[] Load()
    {
        var rows = new List<CorpusExpression>();
        foreach (var path in Directory.GetFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("known-failures", StringComparison.Ordinal))
                continue;
            var linkType = LinkTypes.Parse(name);
            foreach (var line in File.ReadLines(path))
                if (line.Length > 0 && line[0] != '#')
                    rows.Add(new CorpusExpression(linkType, line));
        }
        return [.. rows];
    }
}
