using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>Loads BPF programs given on the command line in any tcpdump dump format.</summary>
internal static class ProgramFiles
{
    /// <summary>Reads and parses a program file (<c>-</c> for standard input).</summary>
    /// <exception cref="InputException">The file is missing or is not a program in -d, -dd or -ddd form.</exception>
    public static BpfProgram Load(string path, CliContext context)
    {
        string text;
        try
        {
            text = path == CliContext.StandardStream ? context.In.ReadToEnd() : File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: {e.Message}", e);
        }
        try
        {
            return BpfText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new InputException($"{path}: {e.Message}", e);
        }
    }
}
