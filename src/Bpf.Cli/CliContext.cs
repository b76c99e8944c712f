using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>The streams a command talks to, so tests can run commands in-process.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TextReader In, bool ErrorIsTerminal)
{
    /// <summary>The process's own console.</summary>
    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected);

    /// <summary>The file name that stands for a standard stream: input for <c>-r</c> and programs, output for <c>-w</c>.</summary>
    public const string StandardStream = "-";

    /// <summary>Standard input as bytes, for capture files read from <c>-r -</c> (a pipe, as tcpdump reads one).</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;

    /// <summary>Standard output as bytes, for a capture written to <c>-w -</c>.</summary>
    public Func<Stream> OpenOutput { get; init; } = Console.OpenStandardOutput;

    /// <summary>Set by Ctrl-C handling: long-running commands stop cleanly when it is cancelled.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// One verb of the <c>bpf</c> tool. The verb keeps its options in fields, builds its
/// <see cref="Definition"/> from them once, and reads them back from the parse in <see cref="Run"/>.
/// </summary>
internal interface IVerb
{
    /// <summary>The verb's name, description, options and arguments; help and usage are generated from it.</summary>
    System.CommandLine.Command Definition { get; }

    /// <summary>Runs the verb on a successful parse; returns the exit status.</summary>
    /// <exception cref="UsageException">The options do not fit together (exit status 2).</exception>
    int Run(System.CommandLine.ParseResult parse, CliContext context);
}
