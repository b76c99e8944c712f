using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>
/// The differential corpus: tests/data/expressions/&lt;LINKTYPE&gt;.txt, one expression per line
/// ('#' starts a comment line), and per compatibility mode a known-failures file (known-failures.txt
/// for libpcap 1.10, known-failures-head.txt for the head), lines of
/// <c>LINKTYPE&lt;TAB&gt;expression&lt;TAB&gt;reason</c> the corpus tests skip and report.
/// </summary>
internal static class ExpressionCorpus
{
    public const string KnownFailuresFile = "known-failures.txt";
    public const string HeadKnownFailuresFile = "known-failures-head.txt";

    public static string Directory => TestData.File("expressions");

    private static readonly Lazy<IReadOnlyList<(string LinkType, string Expression)>> s_all = new(() =>
    {
        var result = new List<(string, string)>();
        foreach (var path in System.IO.Directory.GetFiles(Directory, "*.txt").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name + ".txt" is KnownFailuresFile or HeadKnownFailuresFile)
                continue;
            foreach (var line in File.ReadLines(path))
                if (line.Length > 0 && !line.StartsWith('#'))
                    result.Add((name, line));
        }
        return result;
    });

    private static readonly Lazy<IReadOnlyDictionary<(string, string), string>> s_known = new(() => LoadKnown(KnownFailuresFile));
    private static readonly Lazy<IReadOnlyDictionary<(string, string), string>> s_knownHead = new(() => LoadKnown(HeadKnownFailuresFile));

    private static IReadOnlyDictionary<(string, string), string> LoadKnown(string file)
    {
        var result = new Dictionary<(string, string), string>();
        var path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            return result;
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split('\t');
            if (parts.Length < 3)
                throw new InvalidDataException($"{file}: expected LINKTYPE<TAB>expression<TAB>reason: '{line}'");
            result[(parts[0], parts[1])] = parts[2];
        }
        return result;
    }

    /// <summary>Every corpus line, with its link type name.</summary>
    public static IReadOnlyList<(string LinkType, string Expression)> All => s_all.Value;

    /// <summary>Known failures of the 1.10 mode and their reasons.</summary>
    public static IReadOnlyDictionary<(string LinkType, string Expression), string> KnownFailures => s_known.Value;

    /// <summary>Known failures of a mode and their reasons.</summary>
    public static IReadOnlyDictionary<(string LinkType, string Expression), string> KnownFailuresOf(LibpcapCompatibility mode) =>
        mode == LibpcapCompatibility.Head ? s_knownHead.Value : s_known.Value;

    /// <summary>The link types that have a corpus file.</summary>
    public static IEnumerable<string> LinkTypes => All.Select(e => e.LinkType).Distinct();

    /// <summary>Theory rows of one link type, known failures left out.</summary>
    public static TheoryData<string> Expressions(string linkType)
    {
        var data = new TheoryData<string>();
        foreach (var (lt, e) in All)
            if (lt == linkType && !KnownFailures.ContainsKey((lt, e)))
                data.Add(e);
        return data;
    }
}
