namespace Bpf.Cli.Cluster;

/// <summary>
/// The arguments a silo parses for every item of a job: the verb's own, less the inputs, the output
/// and the cluster options (which the client handles), with file paths made absolute so a silo
/// started elsewhere finds the same file on the shared storage.
/// </summary>
internal static class ClusterArguments
{
    private static readonly HashSet<string> s_clientOnly = ["-r", "-w", .. ClusterOptions.Valued];
    private static readonly HashSet<string> s_paths = ["--program"];

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
                kept.Add(name);
                kept.Add(value == CliContext.StandardStream ? value : Path.GetFullPath(value));
                continue;
            }
            kept.Add(arg);
        }
        return [.. kept];
    }

    private static (string Name, string? Inline) Split(string arg)
    {
        var eq = arg.IndexOf('=');
        return arg.StartsWith("--", StringComparison.Ordinal) && eq > 2 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
    }
}
