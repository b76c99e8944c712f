using Bpf.Vm;
using Capture.Pcapfile;

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

    /// <exception cref="InputException">A glob matches nothing, a name is empty, or a path is a directory.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            var name = Path.GetFileName(pattern);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                files.Add(CheckFile(pattern, "-r"));
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

    /// <summary>Refuses a file name that cannot be a file to read: empty, or a directory (<c>-</c> passes).</summary>
    /// <param name="path">The name given.</param>
    /// <param name="option">The option or argument that named it, for the message (<c>-r</c>, <c>PROG</c>).</param>
    /// <exception cref="InputException">The name is empty or names a directory.</exception>
    public static string CheckFile(string path, string option)
    {
        if (path.Length == 0)
            throw new InputException($"{option}: the file name is empty");
        if (Directory.Exists(path))
            throw new InputException($"{path}: is a directory, not a file");
        return path;
    }

    /// <summary>Refuses an output file name that is empty, a directory, or one of the inputs (<c>-</c> passes).</summary>
    /// <exception cref="InputException">The name is empty, names a directory, or names an input.</exception>
    public static string CheckOutput(string path, string option, IReadOnlyList<string> inputs)
    {
        if (path.Length == 0)
            throw new InputException($"{option}: the file name is empty");
        if (path == CliContext.StandardStream)
            return path;
        if (Directory.Exists(path))
            throw new InputException($"{path}: is a directory, not a file");
        var output = Identity(path);
        foreach (var input in inputs)
            if (input != CliContext.StandardStream && Identity(input) == output)
                throw new InputException($"{path}: is also an input ({input}): writing it would destroy what is being read");
        return path;
    }

    // The file a name finally refers to (links followed), so two spellings of one file compare equal.
    private static string Identity(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
