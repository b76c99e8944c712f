using Bpf.Cli.Commands;
using Bpf.Compiler;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>The <c>bpf</c> tool: exit 0 on success, 1 on bad input, 2 on usage errors.</summary>
internal static class Program
{
    public const int ExitOk = 0;
    public const int ExitInput = 1;
    public const int ExitUsage = 2;

    internal static readonly ICommand[] Commands =
    [
        new FilterCommand(),
        new CompileCommand(),
        new ValidateCommand(),
        new DumpCommand(),
        new BenchCommand(),
        new StatsCommand(),
        new DevicesCommand(),
        new CaptureCommand(),
        new UdpRecvCommand(),
        new SiloCommand(),
    ];

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
    internal static int Run(IReadOnlyList<string> args, CliContext context)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Count == 0 ? context.Error : context.Out);
            return args.Count == 0 ? ExitUsage : ExitOk;
        }
        var command = Array.Find(Commands, c => c.Name == args[0]);
        if (command is null)
        {
            context.Error.WriteLine($"bpf: unknown verb '{args[0]}'");
            WriteUsage(context.Error);
            return ExitUsage;
        }
        try
        {
            return command.Run(args.Skip(1).ToArray(), context);
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"bpf {command.Name}: {e.Message}");
            context.Error.WriteLine($"usage: bpf {command.Usage}");
            return ExitUsage;
        }
        catch (Exception e) when (InputErrors.Describe(e) is { } message)
        {
            context.Error.WriteLine($"bpf {command.Name}: {message}");
            return ExitInput;
        }
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage:");
        foreach (var command in Commands)
            writer.WriteLine($"  bpf {command.Usage}");
    }
}
