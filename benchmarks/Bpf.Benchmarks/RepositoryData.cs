namespace Bpf.Benchmarks;

/// <summary>Where the benchmarks find the repository's test data, wherever they run from.</summary>
internal static class RepositoryData
{
    /// <summary>
    /// The file or folder <paramref name="relative"/> (from the repository root): named by the environment
    /// variable <paramref name="variable"/> (how <see cref="Program"/> tells benchmark child processes, built
    /// elsewhere), else found above the binary, else under the current directory.
    /// </summary>
    /// <exception cref="FileNotFoundException">Not there (a <see cref="DirectoryNotFoundException"/> for a folder).</exception>
    public static string Find(string variable, bool folder, params string[] relative)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment)
            return fromEnvironment;
        var path = Path.Combine(relative);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, path);
            if (Exists(candidate, folder))
                return candidate;
        }
        var fromCwd = Path.GetFullPath(path);
        if (Exists(fromCwd, folder))
            return fromCwd;
        var message = $"run the benchmarks from the repository root ({fromCwd} is missing)";
        throw folder ? new DirectoryNotFoundException(message) : new FileNotFoundException(message, fromCwd);
    }

    private static bool Exists(string path, bool folder) => folder ? Directory.Exists(path) : File.Exists(path);
}
