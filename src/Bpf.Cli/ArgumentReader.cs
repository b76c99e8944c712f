using System.Globalization;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>A command line that does not follow a verb's usage (exit status 2).</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>Input that cannot be processed: a file, program or expression (exit status 1).</summary>
internal sealed class InputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads one verb's arguments: options with or without values in any order, and the remaining
/// operands. Options are declared up front so an unknown one is a usage error, not an operand.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> take a value, <paramref name="flags"/> do not.</summary>
    /// <exception cref="UsageException">An unknown option, or an option without its value.</exception>
    public ArgumentReader(IReadOnlyList<string> args, IEnumerable<string> valued, IEnumerable<string> flags)
    {
        var valuedSet = new HashSet<string>(valued, StringComparer.Ordinal);
        var flagSet = new HashSet<string>(flags, StringComparer.Ordinal);
        var operands = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                operands.AddRange(args.Skip(i + 1));
                break;
            }
            if (arg.Length > 1 && arg[0] == '-' && !IsNumber(arg))
            {
                var (name, inline) = SplitInline(arg);
                if (flagSet.Contains(name) && inline is null)
                    _flags.Add(name);
                else if (valuedSet.Contains(name))
                {
                    var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"option {name} needs a value"));
                    if (!_values.TryGetValue(name, out var list))
                        _values[name] = list = [];
                    list.Add(value);
                }
                else
                    throw new UsageException($"unknown option {arg}");
                continue;
            }
            operands.Add(arg);
        }
        Operands = operands;
    }

    private static bool IsNumber(string arg) => arg.Length > 1 && char.IsDigit(arg[1]);

    private static (string Name, string? Inline) SplitInline(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }

    /// <summary>The arguments that are not options.</summary>
    public IReadOnlyList<string> Operands { get; }

    /// <summary>Whether a flag was given.</summary>
    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The last value of an option, or null.</summary>
    public string? Value(string option) => _values.TryGetValue(option, out var list) ? list[^1] : null;

    /// <summary>Every value of a repeatable option.</summary>
    public IReadOnlyList<string> Values(string option) => _values.TryGetValue(option, out var list) ? list : [];

    /// <summary>An option's value as a whole number in a range.</summary>
    /// <exception cref="UsageException">Not a number in the range.</exception>
    public long Number(string option, long fallback, long min = 0, long max = long.MaxValue)
    {
        var text = Value(option);
        if (text is null)
            return fallback;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"option {option}: '{text}' is not a number from {min} to {max}");
        return value;
    }

    /// <summary><c>--threads N</c>: how many threads process offline input (null: one per core).</summary>
    /// <exception cref="UsageException">Not a number from 1 to 256.</exception>
    public int? Threads() => Value("--threads") is null ? null : (int)Number("--threads", 0, 1, 256);

    /// <summary>The engine of <c>--engine interp|jit</c>; <see cref="Bpf.Filtering.FilterEngine.Auto"/> (the JIT, else the interpreter) when not given.</summary>
    /// <exception cref="UsageException">Neither <c>interp</c> nor <c>jit</c>.</exception>
    public Bpf.Filtering.FilterEngine Engine() => Choice("--engine", "auto", "jit", "interp") switch
    {
        "jit" => Bpf.Filtering.FilterEngine.Jit,
        "interp" => Bpf.Filtering.FilterEngine.Interpreter,
        _ => Bpf.Filtering.FilterEngine.Auto,
    };

    /// <summary>A duration like <c>2</c>, <c>1.5s</c>, <c>500ms</c>, <c>1m</c>.</summary>
    /// <exception cref="UsageException">Not a positive duration.</exception>
    public TimeSpan? Duration(string option)
    {
        var text = Value(option);
        if (text is null)
            return null;
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || value * unit > 1e7)
            throw new UsageException($"option {option}: '{text}' is not a positive duration (e.g. 2, 1.5s, 500ms, 1m)");
        return TimeSpan.FromSeconds(value * unit);
    }

    /// <summary>One of several words (case-insensitive).</summary>
    /// <exception cref="UsageException">Another word.</exception>
    public string Choice(string option, string fallback, params string[] choices)
    {
        var text = Value(option);
        if (text is null)
            return fallback;
        foreach (var choice in choices)
            if (string.Equals(choice, text, StringComparison.OrdinalIgnoreCase))
                return choice;
        throw new UsageException($"option {option}: '{text}' is not one of {string.Join(", ", choices)}");
    }
}
