using Bpf.Filtering;
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
