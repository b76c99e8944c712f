using System.CommandLine;
using System.CommandLine.Parsing;

namespace Bpf.Cli.Cluster;

/// <summary>
/// The arguments a silo parses for every item of a job, with the verb's own definition: the verb's
/// words as given, less the inputs, the output and the cluster options (which the client handles),
/// with program paths made absolute so a silo started elsewhere reads the same file on the shared
/// storage.
/// </summary>
internal static class ClusterArguments
{
    private static readonly HashSet<string> s_clientOnly = ["-r", "-w", "--plot", "--cluster", "--timeout", "--slots"];
    private static readonly HashSet<string> s_paths = ["--program"];

    /// <summary>The words after the verb's name in <paramref name="parse"/>, ready for the silos.</summary>
    public static string[] ForSilos(ParseResult parse) =>
        ForSilos(parse.Tokens.SkipWhile(t => t.Type != TokenType.Command).Skip(1).Select(t => t.Value).ToArray());

    public static string[] ForSilos(IReadOnlyList<string> args)
    {
        var kept = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                kept.AddRange(args.Skip(i));
                break;
            }
            var (name, inline) = Split(arg);
            if (s_clientOnly.Contains(name))
            {
                if (inline is null)
                    i++;
                continue;
            }
            if (s_paths.Contains(name))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : "");
                if (value == CliContext.StandardStream)
                    throw new UsageException($"{name} - (standard input) cannot be shared with a cluster: give a file every silo reads");
                kept.Add(name);
                kept.Add(Path.GetFullPath(value));
                continue;
            }
            kept.Add(arg);
        }
        return [.. kept];
    }

    /// <summary>Parses a job's arguments with a verb's definition, as the command line would.</summary>
    /// <exception cref="UsageException">They do not parse (the client parsed them first, so only a version mismatch gets here).</exception>
    public static ParseResult Parse(Command definition, IReadOnlyList<string> args)
    {
        var parse = definition.Parse(args, new ParserConfiguration { EnablePosixBundling = true });
        if (parse.Errors.Count > 0)
            throw new UsageException($"job arguments do not parse: {parse.Errors[0].Message}");
        return parse;
    }

    private static (string Name, string? Inline) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}
