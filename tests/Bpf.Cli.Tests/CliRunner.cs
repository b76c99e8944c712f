using Bpf.Vm;

namespace Bpf.Cli.Tests;

/// <summary>Runs the tool in-process with captured streams.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result RunWithInput(string stdin, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, new StringReader(stdin), ErrorIsTerminal: false);
        var code = Program.Run(args, context);
        return new Result(code, AsBpf(stdout.ToString()), AsBpf(stderr.ToString()));
    }

    // Help's usage lines name the executable: bpf for users, the test host here.
    private static string AsBpf(string text) =>
        text.Replace($"  {System.CommandLine.RootCommand.ExecutableName} ", "  bpf ", StringComparison.Ordinal);

    public static Result Run(params string[] args) => RunWithInput("", args);

    /// <summary>Runs with <paramref name="stdin"/> as the binary standard input (<c>-r -</c>).</summary>
    public static Result RunWithBinaryInput(byte[] stdin, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = new CliContext(stdout, stderr, new StringReader(""), ErrorIsTerminal: false)
        {
            OpenInput = () => new MemoryStream(stdin, writable: false),
        };
        var code = Program.Run(args, context);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A temporary file deleted with the returned handle.</summary>
    public static TempFile Temp(string contents = "", string extension = ".txt")
    {
        var path = Path.Combine(Path.GetTempPath(), $"bpf-cli-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, contents);
        return new TempFile(path);
    }

    public sealed class TempFile(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose() => File.Delete(Path);
    }
}
