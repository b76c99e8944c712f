using System.Reflection;
using System.Runtime.InteropServices;

namespace Interop.Libpcap;

/// <summary>
/// Finds libpcap: the one search order of the tree. <see cref="LibpcapNative"/>'s imports resolve
/// through it, and so does every caller that needs the library's handle (the tests' export table for
/// the system build). The order is SharpPcap's own, because a <c>pcap_t</c> that SharpPcap opened must
/// only ever be handed to the same library file.
/// </summary>
public static class LibpcapLibrary
{
    /// <summary>The library name every <see cref="LibpcapNative"/> import uses.</summary>
    public const string Name = "pcap";

    private static readonly Lazy<(IntPtr Handle, string? File, string? Reason)> s_default = new(LoadDefault);

    static LibpcapLibrary() => NativeLibrary.SetDllImportResolver(typeof(LibpcapLibrary).Assembly, Resolve);

    /// <summary>
    /// The file names tried, in order, on this operating system: Npcap's wpcap.dll on Windows, the
    /// system libpcap elsewhere (the development symlink first, then the sonames Debian, Fedora and
    /// others install).
    /// </summary>
    public static IReadOnlyList<string> Candidates { get; } =
        OperatingSystem.IsWindows() ? [Path.Combine(Environment.SystemDirectory, "Npcap", "wpcap.dll"), "wpcap.dll"]
        : OperatingSystem.IsMacOS() ? ["libpcap.dylib", "libpcap.A.dylib"]
        : ["libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1"];

    /// <summary>Whether libpcap could be loaded.</summary>
    public static bool IsAvailable => s_default.Value.Handle != IntPtr.Zero;

    /// <summary>Why libpcap could not be loaded (null when it was).</summary>
    public static string? UnavailableReason => s_default.Value.Reason;

    /// <summary>The candidate that loaded (null when none did).</summary>
    public static string? File => s_default.Value.File;

    /// <summary>The loaded library's handle.</summary>
    /// <exception cref="DllNotFoundException">libpcap is not installed.</exception>
    public static IntPtr Handle => IsAvailable ? s_default.Value.Handle : throw new DllNotFoundException(UnavailableReason);

    /// <summary>
    /// <c>pcap_lib_version()</c>, e.g. "libpcap version 1.10.3 (with TPACKET_V3)" or "Npcap version
    /// 1.79, based on libpcap version 1.10.4".
    /// </summary>
    /// <exception cref="DllNotFoundException">libpcap is not installed.</exception>
    public static string Version => Marshal.PtrToStringAnsi(LibpcapNative.pcap_lib_version()) ?? "";

    /// <summary>Makes sure the resolver is installed before the first import binds.</summary>
    internal static void EnsureResolver() => _ = s_default;

    private static (IntPtr, string?, string?) LoadDefault()
    {
        foreach (var candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, typeof(LibpcapLibrary).Assembly, null, out var handle))
                return (handle, candidate, null);
        return (IntPtr.Zero, null,
            $"libpcap is not installed (tried {string.Join(", ", Candidates)}); install libpcap-dev (Npcap on Windows)");
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == Name ? s_default.Value.Handle : IntPtr.Zero;
}
