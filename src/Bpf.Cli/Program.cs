namespace Bpf.Cli;

/// <summary>The <c>bpf</c> tool: exit 0 on success, 1 on bad input, 2 on usage errors.</summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitInput = 1;
    public const int ExitUsage = 2;

    private static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C stops the command cleanly (files closed and valid); a second one kills.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        return Run(args, CliContext.FromConsole() with { Cancellation = cancel.Token });
    }

    /// <summary>Runs one command line against <paramref name="context"/>; returns the exit status.</summary>
    internal static int Run(IReadOnlyList<string> args, CliContext context) => CommandLine.Run(args, context);
}
