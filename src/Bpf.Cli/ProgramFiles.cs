using Bpf.Filtering;
using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>Loads BPF programs given on the command line in any tcpdump dump format.</summary>
internal static class ProgramFiles
{
    /// <summary>
    /// The longest program text read, in characters: a -dd listing of 4096 instructions (Linux's
    /// BPF_MAXINSNS) takes about 150 KB, libpcap's largest programs a few times that; a reader that stops
    /// here answers /dev/zero or /dev/urandom at once instead of filling memory.
    /// </summary>
    public const int MaxTextLength = 1 << 20;

    /// <summary>Reads and parses a program file (<c>-</c> for standard input).</summary>
    /// <exception cref="InputException">The file is missing, larger than <see cref="MaxTextLength"/>, or not a program in -d, -dd or -ddd form.</exception>
    public static BpfProgram Load(string path, CliContext context)
    {
        string text;
        try
        {
            InputFiles.CheckFile(path, "PROG");
            using var reader = path == CliContext.StandardStream ? null : new StreamReader(path);
            text = ReadCapped(reader ?? context.In)
                ?? throw new InputException($"{path}: longer than {MaxTextLength / 1024} KiB, too long for a program listing");
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

    /// <summary>Reads at most <see cref="MaxTextLength"/> characters; null when there are more.</summary>
    private static string? ReadCapped(TextReader reader)
    {
        var buffer = new char[MaxTextLength + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = reader.Read(buffer, length, buffer.Length - length)) > 0)
            length += read;
        return length > MaxTextLength ? null : new string(buffer, 0, length);
    }

    /// <summary>Loads a program that an engine is to run, refusing one that cannot run.</summary>
    /// <exception cref="InputException">The file cannot be read or parsed, or no engine can run the program.</exception>
    public static RunnableProgram LoadRunnable(string path, CliContext context) => Runnable(Load(path, context), path);

    /// <summary>Loads a program and prepares it to run on every packet.</summary>
    /// <exception cref="InputException">The file cannot be read or parsed, or no engine can run the program.</exception>
    public static PacketFilterCache LoadFilter(string path, FilterEngine engine, CliContext context)
    {
        var program = Load(path, context);
        try
        {
            return new PacketFilterCache(program, engine);
        }
        catch (BpfValidationException e)
        {
            throw CannotRun(path, e);
        }
    }

    /// <summary>Checks that an engine can run <paramref name="program"/>, read from <paramref name="path"/>.</summary>
    /// <exception cref="InputException">No engine can run it.</exception>
    public static RunnableProgram Runnable(BpfProgram program, string path)
    {
        try
        {
            return RunnableProgram.Validate(program);
        }
        catch (BpfValidationException e)
        {
            throw CannotRun(path, e);
        }
    }

    private static InputException CannotRun(string path, BpfValidationException e) =>
        new($"{path}: cannot run the program: {e.Message}", e);
}
