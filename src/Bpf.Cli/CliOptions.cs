using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// Option factories shared by the verbs, so one option means one thing (and one help line)
/// everywhere. Values that do not parse become parse errors: exit status 2 with the option named.
/// </summary>
internal static class CliOptions
{
    /// <summary>A flag (no value).</summary>
    public static Option<bool> Flag(string name, string description, params string[] aliases) =>
        new(name, aliases) { Description = description };

    /// <summary>An option with a free-form text value.</summary>
    public static Option<string?> Text(string name, string valueName, string description, params string[] aliases) =>
        new(name, aliases) { Description = description, HelpName = valueName };

    /// <summary><c>-r FILE</c>, repeatable: capture files, globs, or <c>-</c> for standard input.</summary>
    public static Option<string[]> Inputs(string description = "A pcap or pcapng capture file to read (repeatable; globs like caps/*.pcap; - reads standard input, as tcpdump -r - does).") =>
        new("-r") { Description = description, HelpName = "FILE", AllowMultipleArgumentsPerToken = false };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; <paramref name="fallback"/> when absent.</summary>
    public static Option<long> Number(string name, string valueName, string description, long fallback, long min = 0, long max = long.MaxValue, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = valueName,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = Single(result);
                if (text is null)
                    return fallback;
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                    return value;
                result.AddError($"option {name}: '{text}' is not a number from {min} to {max}");
                return fallback;
            },
        };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or null when absent (no limit, no default shown).</summary>
    public static Option<long?> Limit(string name, string valueName, string description, long min = 0, long max = long.MaxValue, params string[] aliases) =>
        new(name, aliases)
        {
            Description = description,
            HelpName = valueName,
            CustomParser = result =>
            {
                var text = Single(result);
                if (text is null)
                    return null;
                if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
                    return value;
                result.AddError($"option {name}: '{text}' is not a number from {min} to {max}");
                return null;
            },
        };

    /// <summary><c>--threads N</c>: how many threads process offline input (null: one per core).</summary>
    public static Option<int?> Threads() =>
        new("--threads")
        {
            Description = "Threads that read and filter the input (1 to 256; default: one per core).",
            HelpName = "N",
            CustomParser = result =>
            {
                var text = Single(result);
                if (text is null)
                    return null;
                if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 256)
                    return value;
                result.AddError($"option --threads: '{text}' is not a number from 1 to 256");
                return null;
            },
        };

    /// <summary>A duration like <c>2</c>, <c>1.5s</c>, <c>500ms</c>, <c>1m</c>, <c>1h</c> (null when absent).</summary>
    public static Option<TimeSpan?> Duration(string name, string description) =>
        new(name)
        {
            Description = description + " Seconds, or with a unit: 500ms, 1.5s, 1m, 1h.",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                var text = Single(result);
                if (text is null)
                    return null;
                if (TryParseDuration(text) is { } duration)
                    return duration;
                result.AddError($"option {name}: '{text}' is not a positive duration (e.g. 2, 1.5s, 500ms, 1m)");
                return null;
            },
        };

    /// <summary>One of several words (case-insensitive), given back as spelt in <paramref name="choices"/>; <paramref name="fallback"/> when absent (null: no default).</summary>
    public static Option<string?> Choice(string name, string description, string? fallback, params string[] choices)
    {
        var option = new Option<string?>(name)
        {
            Description = description,
            HelpName = string.Join('|', choices),
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = Single(result);
                if (text is null)
                    return fallback;
                foreach (var choice in choices)
                    if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
                        return choice;
                result.AddError($"option {name}: '{text}' is not one of {string.Join(", ", choices)}");
                return fallback;
            },
        };
        option.CompletionSources.Add(choices);
        return option;
    }

    /// <summary><c>--engine auto|jit|interp</c> for the offline verbs.</summary>
    public static Option<string?> Engine() =>
        Choice("--engine", "Runs the filter as IL compiled to native code (jit), in the interpreter (interp), or the JIT where it runs and else the interpreter (auto, the default).",
            "auto", "auto", "jit", "interp");

    /// <summary>The facade's engine for a value of <see cref="Engine"/>.</summary>
    public static Bpf.Filtering.FilterEngine EngineOf(string? choice) => choice switch
    {
        "jit" => Bpf.Filtering.FilterEngine.Jit,
        "interp" => Bpf.Filtering.FilterEngine.Interpreter,
        _ => Bpf.Filtering.FilterEngine.Auto,
    };

    /// <summary><c>-O0</c>: skip libpcap's optimizer, as tcpdump -O does.</summary>
    public static Option<bool> NoOptimize() =>
        Flag("-O0", "Do not run the optimizer on the compiled program (tcpdump -O).");

    /// <summary>The expression words: joined with spaces, as tcpdump joins its trailing arguments.</summary>
    public static Argument<string[]> Expression(string description = "The pcap-filter expression; several words are joined with spaces, as tcpdump does (udp port 53).") =>
        new("EXPRESSION") { Description = description, Arity = ArgumentArity.ZeroOrMore };

    /// <summary>A duration like <c>2</c>, <c>1.5s</c>, <c>500ms</c>, <c>1m</c>, or null.</summary>
    public static TimeSpan? TryParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value * unit <= 1e7
            ? TimeSpan.FromSeconds(value * unit)
            : null;
    }

    // The parser calls a custom parser only for an option that is present, with its one token.
    private static string? Single(ArgumentResult result) => result.Tokens.Count == 0 ? null : result.Tokens[^1].Value;
}

/// <summary>The -d / -dd / -ddd flags shared by compile and dump.</summary>
internal sealed class DumpFormatOptions
{
    public Option<bool> Listing { get; } = CliOptions.Flag("-d", "Print the program as tcpdump -d does: one instruction a line, in assembler syntax (the default).");

    public Option<bool> CArray { get; } = CliOptions.Flag("-dd", "Print the program as a C array, as tcpdump -dd does.");

    public Option<bool> Decimal { get; } = CliOptions.Flag("-ddd", "Print the instruction count, then code jt jf k in decimal, as tcpdump -ddd does.");

    public IEnumerable<Option> All => [Listing, CArray, Decimal];

    /// <summary>The format the flags ask for, or null when none is given.</summary>
    /// <exception cref="UsageException">More than one is given.</exception>
    public DumpFormat? From(ParseResult parse)
    {
        var chosen = new List<DumpFormat>();
        if (parse.GetValue(Listing))
            chosen.Add(DumpFormat.Listing);
        if (parse.GetValue(CArray))
            chosen.Add(DumpFormat.CArray);
        if (parse.GetValue(Decimal))
            chosen.Add(DumpFormat.Decimal);
        return chosen.Count switch
        {
            0 => null,
            1 => chosen[0],
            _ => throw new UsageException("give only one of -d, -dd, -ddd"),
        };
    }
}
