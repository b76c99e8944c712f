using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Reflection;
using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// The <c>bpf</c> command tree on System.CommandLine: help, <c>--version</c>, response files
/// (<c>@args.rsp</c>), the <c>[suggest]</c> directive for <c>dotnet-suggest</c> completion, and one
/// exit-status policy: 0 success, 1 bad input, 2 usage (parse errors included).
/// </summary>
internal static class CommandLine
{
    /// <summary>The verbs, in the order help lists them (a new verb is one more line here).</summary>
    internal static IVerb[] CreateVerbs() =>
    [
        new Commands.FilterCommand(),
        new Commands.CompileCommand(),
        new Commands.ValidateCommand(),
        new Commands.DumpCommand(),
        new Commands.BenchCommand(),
        new Commands.StatsCommand(),
        new Commands.DevicesCommand(),
        new Commands.CaptureCommand(),
        new Commands.UdpRecvCommand(),
        new Commands.SiloCommand(),
        new Commands.EquivCommand(),
        new Commands.WitnessCommand(),
    ];

    /// <summary>The root command with every verb, each verb's action bound to <paramref name="context"/>.</summary>
    internal static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("bpf: pcap-filter expressions compiled to classic BPF, validated, run (interpreter or JIT) over capture files and live devices.");
        foreach (var verb in CreateVerbs())
        {
            var command = verb.Definition;
            command.SetAction(parse => Invoke(verb, command, parse, context));
            root.Subcommands.Add(command);
        }
        // The tool's own version, whichever host runs it (the default names the entry assembly).
        root.Options.OfType<VersionOption>().Single().Action = new VersionAction();
        return root;
    }

    /// <summary>Parses and runs one command line against <paramref name="context"/>; returns the exit status.</summary>
    internal static int Run(IReadOnlyList<string> args, CliContext context)
    {
        var root = Build(context);
        if (args.Count == 0)
        {
            // No verb: the overview goes to standard error and the status says usage, as before.
            WriteHelp(root.Parse(["--help"]), context.Error);
            return Program.ExitUsage;
        }
        // "bpf help VERB" is "bpf VERB --help", as git and dotnet accept it.
        if (args[0] == "help")
            args = [.. args.Skip(1), "--help"];
        var parse = root.Parse(args, new ParserConfiguration { EnablePosixBundling = true });
        if (parse.Action is ParseErrorAction)
            return ReportParseErrors(root, parse, context);
        if (parse.Action is not HelpAction && UnknownOption(parse) is { } unknown)
            return ReportUsage(parse.CommandResult.Command, unknown, context);
        if (parse.Action is HelpAction)
            return WriteHelp(parse, context.Out);
        return parse.Invoke(new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            // A bug must surface as a crash with its stack, not as a tidy message; Ctrl-C is ours (Program.Main).
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        });
    }

    // Help for a terminal of any width reads the same: tests and the README compare it.
    private const int HelpWidth = 100;

    private static int WriteHelp(ParseResult parse, TextWriter writer)
    {
        ((HelpAction)parse.Action!).MaxWidth = HelpWidth;
        return parse.Invoke(new InvocationConfiguration { Output = writer, Error = writer });
    }

    private static int Invoke(IVerb verb, Command command, ParseResult parse, CliContext context)
    {
        try
        {
            return verb.Run(parse, context);
        }
        catch (UsageException e)
        {
            return ReportUsage(command, e.Message, context);
        }
        catch (Exception e) when (InputErrors.Describe(e) is { } message)
        {
            context.Error.WriteLine($"bpf {command.Name}: {message}");
            return Program.ExitInput;
        }
    }

    private static int ReportUsage(Command command, string message, CliContext context)
    {
        context.Error.WriteLine($"bpf {command.Name}: {message}");
        context.Error.WriteLine($"usage: {Synopsis(command)}");
        context.Error.WriteLine($"Try 'bpf {command.Name} --help' for more information.");
        return Program.ExitUsage;
    }

    private static int ReportParseErrors(RootCommand root, ParseResult parse, CliContext context)
    {
        var command = parse.CommandResult.Command;
        if (command == root)
        {
            var word = parse.UnmatchedTokens.FirstOrDefault() ?? "";
            var known = root.Subcommands.Select(c => c.Name);
            context.Error.WriteLine(word.Length == 0 ? "bpf: expected a verb" : $"bpf: unknown verb '{word}'{DidYouMean(word, known)}");
            context.Error.WriteLine($"verbs: {string.Join(", ", known)}");
            context.Error.WriteLine("Try 'bpf --help' for more information.");
            return Program.ExitUsage;
        }
        var first = parse.Errors[0];
        var message = parse.UnmatchedTokens.Count > 0
            ? $"unexpected argument '{parse.UnmatchedTokens[0]}'{DidYouMean(parse.UnmatchedTokens[0], OptionNames(command))}"
            : first.Message;
        return ReportUsage(command, message, context);
    }

    /// <summary>
    /// An option-like word the parser handed to an expression argument (System.CommandLine gives an
    /// unknown <c>--x</c> to an argument that takes any number of words); null when there is none.
    /// Words after <c>--</c> and negative numbers are operands, as getopt has them.
    /// </summary>
    private static string? UnknownOption(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var consumed = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        foreach (var argument in command.Arguments)
            if (parse.GetResult(argument) is { } result)
                foreach (var token in result.Tokens)
                    consumed.Add(token);
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash)
                break;
            var word = token.Value;
            if (consumed.Contains(token) && word.Length > 1 && word[0] == '-' && !char.IsDigit(word[1]))
                return $"unknown option {word}{DidYouMean(word, OptionNames(command))}";
        }
        return null;
    }

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));

    /// <summary>"; did you mean 'x'?" for the nearest known word within a small edit distance, else "".</summary>
    internal static string DidYouMean(string word, IEnumerable<string> known)
    {
        var best = known.Select(k => (Word: k, Distance: EditDistance(word, k)))
            .Where(c => c.Distance <= Math.Max(1, c.Word.Length / 3))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return best.Word is null ? "" : $"; did you mean '{best.Word}'?";
    }

    // Optimal string alignment distance: insertions, deletions, substitutions, and a swap of two
    // neighbours (fliter for filter) each cost one, as people mistype.
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var version = typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            parseResult.InvocationConfiguration.Output.WriteLine(version);
            return Program.ExitOk;
        }
    }

    /// <summary>One usage line generated from the definition: <c>bpf filter [-r FILE]... [--count] [EXPRESSION...]</c>.</summary>
    internal static string Synopsis(Command command)
    {
        var parts = new List<string> { "bpf", command.Name };
        foreach (var option in command.Options)
        {
            if (option.Hidden || option is HelpOption)
                continue;
            var text = option.ValueType == typeof(bool) ? option.Name : $"{option.Name} {option.HelpName ?? "VALUE"}";
            parts.Add(option.Required ? text : $"[{text}]" + (option.Arity.MaximumNumberOfValues > 1 ? "..." : ""));
        }
        foreach (var argument in command.Arguments)
            parts.Add(argument.Arity.MinimumNumberOfValues == 0
                ? $"[{argument.Name}{(argument.Arity.MaximumNumberOfValues > 1 ? "..." : "")}]"
                : argument.Name + (argument.Arity.MaximumNumberOfValues > 1 ? "..." : ""));
        return string.Join(' ', parts);
    }
}
