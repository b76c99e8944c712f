using System.Diagnostics;

using Bpf.Vm;

namespace Bpf.Testing;

/// <summary>Runs the installed tcpdump, the reference for dumps, compiled programs and filtered captures.</summary>
internal static class Tcpdump
{
    private static readonly string? s_path =
        new[] { "/usr/sbin/tcpdump", "/usr/bin/tcpdump", "/sbin/tcpdump" }.FirstOrDefault(File.Exists);

    /// <summary>Why tcpdump tests cannot run, or null when they can.</summary>
    public static string? UnavailableReason =>
        !Libpcap.IsAvailable ? Libpcap.UnavailableReason
        : s_path is null ? "tcpdump is not installed; install tcpdump to compare with it" : null;

    /// <summary>Standard output of <c>tcpdump ARGS</c>.</summary>
    /// <exception cref="InvalidOperationException">tcpdump failed.</exception>
    public static string Run(params string[] args)
    {
        var info = new ProcessStartInfo(s_path ?? "tcpdump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tcpdump {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout;
    }

    /// <summary>Standard output of <c>tcpdump FLAGS -r FILE EXPRESSION</c>.</summary>
    /// <exception cref="InvalidOperationException">tcpdump failed.</exception>
    public static string Dump(string flags, string file, string expression) =>
        Run([.. flags.Split(' ', StringSplitOptions.RemoveEmptyEntries), "-r", file, expression]);
}

/// <summary>A theory skipped, with the reason, when tcpdump or libpcap is missing.</summary>
internal sealed class TcpdumpTheoryAttribute : TheoryAttribute
{
    public TcpdumpTheoryAttribute() => Skip = Tcpdump.UnavailableReason;
}

/// <summary>A fact skipped, with the reason, when tcpdump or libpcap is missing.</summary>
internal sealed class TcpdumpFactAttribute : FactAttribute
{
    public TcpdumpFactAttribute() => Skip = Tcpdump.UnavailableReason;
}
