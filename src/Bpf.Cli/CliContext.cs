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

/// <summary>One verb of the <c>bpf</c> tool.</summary>
internal interface ICommand
{
    /// <summary>The verb, e.g. <c>filter</c>.</summary>
    string Name { get; }

    /// <summary>One usage line without the leading <c>bpf</c>.</summary>
    string Usage { get; }

    /// <summary>Runs the verb; returns the exit status.</summary>
    /// <exception cref="UsageException">The arguments do not follow <see cref="Usage"/>.</exception>
    int Run(IReadOnlyList<string> args, CliContext context);
}
