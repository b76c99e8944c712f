using Capture.Pcapfile;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// The <c>-r</c> arguments: plain paths, globs in the file-name part (<c>caps/*.pcap</c>), and
/// <c>-</c> for standard input.
/// </summary>
internal static class InputFiles
{
    /// <summary>Opens one input (<c>-</c>: standard input, read as a pipe).</summary>
    /// <exception cref="InvalidDataException">Not a capture file.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static CaptureFileReader Open(string path, CliContext context) =>
        path == CliContext.StandardStream ? CaptureFileReader.Open(context.OpenInput(), leaveOpen: false) : CaptureFileReader.Open(path);

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
