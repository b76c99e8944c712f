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
        // Ctrl-C through a signal registration, not Console.CancelKeyPress: that event sets up the
        // whole terminal layer (terminfo, signal handlers) before the first packet, ~10% of a short run.
        using var interrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, signal =>
        {
            // The first Ctrl-C stops the command cleanly (files closed and valid); a second one kills.
            if (!cancel.IsCancellationRequested)
            {
                signal.Cancel = true;
                cancel.Cancel();
            }
        });
        // SIGTERM (kill, systemd, timeout) stops as cleanly as Ctrl-C: files closed, counters printed.
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            cancel.Cancel();
        });
        return Run(args, CliContext.FromConsole() with { Cancellation = cancel.Token });
    }

    /// <summary>Runs one command line against <paramref name="context"/>; returns the exit status.</summary>
    internal static int Run(IReadOnlyList<string> args, CliContext context) => CommandLine.Run(args, context);
}
