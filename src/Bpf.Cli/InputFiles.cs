namespace Bpf.Cli;

/// <summary>Expands the <c>-r</c> arguments: plain paths, and globs in the file-name part (<c>caps/*.pcap</c>).</summary>
internal static class InputFiles
{
    /// <exception cref="InputException">A glob matches nothing.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            var name = Path.GetFileName(pattern);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                files.Add(pattern);
                continue;
            }
            var directory = Path.GetDirectoryName(pattern) is { Length: > 0 } dir ? dir : ".";
            var matches = Directory.Exists(directory)
                ? Directory.GetFiles(directory, name).Order(StringComparer.Ordinal).ToArray()
                : [];
            if (matches.Length == 0)
                throw new InputException($"{pattern}: no file matches");
            files.AddRange(matches);
        }
        return files;
    }
}
