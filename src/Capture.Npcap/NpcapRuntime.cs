using Capture.Npcap.Native;
using Interop.Libpcap;

namespace Capture.Npcap;

/// <summary>
/// Run-time detection of the capture library: Npcap on Windows (compiled everywhere, checked only
/// when running on Windows), libpcap elsewhere.
/// </summary>
public static class NpcapRuntime
{
    /// <summary>The name of Npcap's loopback adapter (captures traffic to and from 127.0.0.1 on Windows).</summary>
    public const string WindowsLoopbackAdapter = @"\Device\NPF_Loopback";

    private static readonly Lazy<(string? Version, string? Problem)> s_probe = new(Probe);

    /// <summary>True when the capture library could be loaded.</summary>
    public static bool IsAvailable => s_probe.Value.Version is not null;

    /// <summary>True when running on Windows with Npcap (not WinPcap or nothing).</summary>
    public static bool IsNpcap => s_probe.Value.Version?.StartsWith("Npcap", StringComparison.Ordinal) == true;

    /// <summary>The library's version string, or null when it is missing.</summary>
    public static string? Version => s_probe.Value.Version;

    /// <summary>Why the capture library is unavailable, or null when it is available.</summary>
    public static string? UnavailableReason => s_probe.Value.Problem;

    /// <summary>Throws a clear error when live capture cannot work on this machine.</summary>
    /// <exception cref="LiveCaptureException">Npcap (Windows) or libpcap (elsewhere) is missing.</exception>
    public static void EnsureAvailable()
    {
        if (s_probe.Value.Problem is { } problem)
            throw new LiveCaptureException(OperatingSystem.IsWindows() ? LiveCaptureError.NpcapMissing : LiveCaptureError.LibpcapMissing, problem);
    }

    private static (string?, string?) Probe()
    {
        string version;
        try
        {
            version = LibpcapLibrary.Version;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (null, OperatingSystem.IsWindows()
                ? "Npcap is not installed: live capture on Windows needs the Npcap driver and wpcap.dll "
                  + $"(install it from https://npcap.com; looked in {Path.Combine(Environment.SystemDirectory, "Npcap")}). {FirstLine(e.Message)}"
                : $"libpcap is not installed (install libpcap, e.g. the libpcap0.8 package). {FirstLine(e.Message)}");
        }
        // Old WinPcap also answers pcap_lib_version, but lacks loopback capture and nanosecond stamps.
        if (OperatingSystem.IsWindows() && !version.StartsWith("Npcap", StringComparison.Ordinal))
            return (null, $"found '{version}', but live capture on Windows needs Npcap (https://npcap.com), not WinPcap");
        return (version, null);
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
