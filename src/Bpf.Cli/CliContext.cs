using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>The streams a command talks to, so tests can run commands in-process.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TextReader In, bool ErrorIsTerminal)
{
    /// <summary>
    /// The process's own console. Off Windows, output goes through UTF-8 writers of our own (flushed at
    /// every write, as the console's are) instead of <see cref="Console.Out"/>, whose first use works out
    /// the terminal's encoding from the locale; standard input is opened only when a command reads it
    /// (<see cref="Console.In"/> on a terminal sets up the whole terminal layer).
    /// </summary>
    public static CliContext FromConsole() => OperatingSystem.IsWindows()
        ? new(Console.Out, Console.Error, Console.In, !Console.IsErrorRedirected)
        : new(Writer(Console.OpenStandardOutput()), Writer(Console.OpenStandardError()), new ConsoleInput(), !Console.IsErrorRedirected);

    private static TextWriter Writer(Stream stream) =>
        TextWriter.Synchronized(new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 4096) { AutoFlush = true });

    /// <summary><see cref="Console.In"/>, taken on the first read.</summary>
    private sealed class ConsoleInput : TextReader
    {
        private static TextReader In => Console.In;

        public override int Peek() => In.Peek();

        public override int Read() => In.Read();

        public override int Read(char[] buffer, int index, int count) => In.Read(buffer, index, count);

        public override int Read(Span<char> buffer) => In.Read(buffer);

        public override int ReadBlock(char[] buffer, int index, int count) => In.ReadBlock(buffer, index, count);

        public override string? ReadLine() => In.ReadLine();

        public override string ReadToEnd() => In.ReadToEnd();
    }

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
