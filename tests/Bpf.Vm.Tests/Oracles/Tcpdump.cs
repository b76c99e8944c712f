using System.Diagnostics;
using Bpf.Testing;

namespace Bpf.Vm.Tests.Oracles;

/// <summary>Runs the installed tcpdump to get its program dumps.</summary>
internal static class Tcpdump
{
    private static readonly string? s_path =
        new[] { "/usr/sbin/tcpdump", "/usr/bin/tcpdump", "/sbin/tcpdump" }.FirstOrDefault(File.Exists);

    /// <summary>Why tcpdump tests cannot run, or null when they can.</summary>
    public static string? UnavailableReason =>
        !Libpcap.IsAvailable ? Libpcap.UnavailableReason
        : s_path is null ? "tcpdump is not installed; install tcpdump to compare dumps with it" : null;

    /// <summary>Standard output of <c>tcpdump FLAGS -r FILE EXPRESSION</c>.</summary>
    /// <exception cref="InvalidOperationException">tcpdump failed.</exception>
    public static string Dump(string flags, string file, string expression)
    {
        var info = new ProcessStartInfo(s_path!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var flag in flags.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            info.ArgumentList.Add(flag);
        info.ArgumentList.Add("-r");
        info.ArgumentList.Add(file);
        info.ArgumentList.Add(expression);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tcpdump {flags} '{expression}' failed: {stderr.Result}");
        return stdout;
    }
}

/// <summary>A theory skipped, with the reason, when tcpdump or libpcap is missing.</summary>
internal sealed class TcpdumpTheoryAttribute : TheoryAttribute
{
    public TcpdumpTheoryAttribute() => Skip = Tcpdump.UnavailableReason;
}
