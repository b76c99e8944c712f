using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Bpf.Testing;

/// <summary>
/// One libpcap shared library loaded by path, called through function pointers so that two builds
/// (the system's 1.10.3 and the development head) live in one process without either's exports
/// standing in for the other's: <c>NativeLibrary.Load</c> opens each RTLD_LOCAL, and
/// <see cref="Head"/> proves the separation on first use (each reports its own version, and only
/// the head compiles head-only syntax) before any test trusts it.
/// </summary>
internal sealed unsafe class LibpcapBuild
{
    /// <summary>libpcap's PCAP_NETMASK_UNKNOWN.</summary>
    public const uint NetmaskUnknown = 0xffffffff;

    /// <summary>The environment variable naming the head's libpcap.so (set by test.sh).</summary>
    public const string HeadVariable = "BPF_LIBPCAP_HEAD";

    /// <summary>Where ../shared/oracle/build-libpcap.sh leaves the head's build by default.</summary>
    public static string DefaultHeadPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "bpf-oracle", "libpcap-f26ae497", "build", "libpcap.so");

    private static readonly Lazy<(LibpcapBuild? Build, string? Reason)> s_system = new(() => LoadFirst(
        ["libpcap.so.0.8", "libpcap.so.1", "/usr/lib/x86_64-linux-gnu/libpcap.so.0.8", "libpcap.so", "libpcap.dylib"],
        "the system libpcap is not installed; install libpcap-dev to run differential tests"));

    private static readonly Lazy<(LibpcapBuild? Build, string? Reason)> s_head = new(LoadHead);

    // libpcap's compiler keeps per-handle state but its scanner and optimizer had process-wide
    // state in older releases: one compile at a time per library.
    private readonly object _lock = new();
    private readonly delegate* unmanaged<IntPtr> _libVersion;
    private readonly delegate* unmanaged<int, int, IntPtr> _openDead;
    private readonly delegate* unmanaged<IntPtr, void> _close;
    private readonly delegate* unmanaged<IntPtr, IntPtr> _geterr;
    private readonly delegate* unmanaged<IntPtr, BpfProgramNative*, byte*, int, uint, int> _compile;
    private readonly delegate* unmanaged<BpfProgramNative*, void> _freecode;
    private readonly delegate* unmanaged<Instruction*, byte*, uint, uint, uint> _filter;
    private readonly delegate* unmanaged<Instruction*, int, int> _validate;
    private readonly delegate* unmanaged<byte*, uint, byte*, IntPtr> _openOffline;
    private readonly delegate* unmanaged<IntPtr, int> _datalink;
    private readonly delegate* unmanaged<IntPtr, int> _snapshot;
    private readonly delegate* unmanaged<IntPtr, int> _isSwapped;

    [StructLayout(LayoutKind.Sequential)]
    private struct BpfProgramNative
    {
        public uint Length;
        public Instruction* Instructions;
    }

    private LibpcapBuild(string path, IntPtr handle)
    {
        Path_ = path;
        _libVersion = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "pcap_lib_version");
        _openDead = (delegate* unmanaged<int, int, IntPtr>)NativeLibrary.GetExport(handle, "pcap_open_dead");
        _close = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "pcap_close");
        _geterr = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(handle, "pcap_geterr");
        _compile = (delegate* unmanaged<IntPtr, BpfProgramNative*, byte*, int, uint, int>)NativeLibrary.GetExport(handle, "pcap_compile");
        _freecode = (delegate* unmanaged<BpfProgramNative*, void>)NativeLibrary.GetExport(handle, "pcap_freecode");
        _filter = (delegate* unmanaged<Instruction*, byte*, uint, uint, uint>)NativeLibrary.GetExport(handle, "bpf_filter");
        _validate = (delegate* unmanaged<Instruction*, int, int>)NativeLibrary.GetExport(handle, "bpf_validate");
        _openOffline = (delegate* unmanaged<byte*, uint, byte*, IntPtr>)NativeLibrary.GetExport(handle, "pcap_open_offline_with_tstamp_precision");
        _datalink = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_datalink");
        _snapshot = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_snapshot");
        _isSwapped = (delegate* unmanaged<IntPtr, int>)NativeLibrary.GetExport(handle, "pcap_is_swapped");
        Version = Marshal.PtrToStringAnsi(_libVersion()) ?? "";
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path_ { get; }

    /// <summary><c>pcap_lib_version()</c>, e.g. "libpcap version 1.10.3 (with TPACKET_V3)".</summary>
    public string Version { get; }

    /// <summary>The system's libpcap (1.10.3 on the project's machines), or null.</summary>
    public static LibpcapBuild? System => s_system.Value.Build;

    /// <summary>Why <see cref="System"/> is null.</summary>
    public static string? SystemUnavailableReason => s_system.Value.Reason;

    /// <summary>The development head's build (1.11.0-PRE-GIT), or null.</summary>
    public static LibpcapBuild? Head => s_head.Value.Build;

    /// <summary>Why <see cref="Head"/> is null.</summary>
    public static string? HeadUnavailableReason => s_head.Value.Reason;

    private static (LibpcapBuild?, string?) LoadFirst(string[] candidates, string reason)
    {
        foreach (var name in candidates)
            if (NativeLibrary.TryLoad(name, out var handle))
                return (new LibpcapBuild(name, handle), null);
        return (null, reason);
    }

    private static (LibpcapBuild?, string?) LoadHead()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(HeadVariable);
        var path = string.IsNullOrEmpty(fromEnvironment) ? DefaultHeadPath : fromEnvironment;
        if (!File.Exists(path))
            return (null, $"the head libpcap is not built ({path} is missing; set {HeadVariable} or run ../shared/oracle/build-libpcap.sh)");
        if (!NativeLibrary.TryLoad(path, out var handle))
            return (null, $"cannot load the head libpcap {path}");
        var head = new LibpcapBuild(path, handle);
        // Both libraries export the same names: prove that each function pointer reaches its own
        // library (versions differ; head-only syntax compiles only through the head's pointers).
        var system = System;
        if (!head.Version.Contains("1.11", StringComparison.Ordinal) && !head.Version.Contains("PRE-GIT", StringComparison.Ordinal))
            return (null, $"{path} is not the development head: {head.Version}");
        if (system != null)
        {
            if (system.Version == head.Version)
                return (null, $"the head and the system libpcap report the same version ({head.Version}): symbols cross-resolve");
            if (head.Compile(LinkType.EN10MB, 262144, "vxlan", true, out var error) == null)
                return (null, $"the head libpcap refuses 'vxlan' ({error}): its exports resolve to another libpcap");
            if (system.Compile(LinkType.EN10MB, 262144, "vxlan", true, out _) != null)
                return (null, "the system libpcap compiles 'vxlan': its exports resolve to the head");
        }
        return (head, null);
    }

    /// <summary>
    /// <c>pcap_compile(pcap_open_dead(linkType, snaplen), expression, optimize, netmask)</c>: the
    /// program, or null with libpcap's error message.
    /// </summary>
    public Instruction[]? Compile(LinkType linkType, int snaplen, string expression, bool optimize, out string? error, uint netmask = NetmaskUnknown)
    {
        lock (_lock)
        {
            var p = _openDead((int)linkType, snaplen);
            if (p == IntPtr.Zero)
            {
                error = "pcap_open_dead failed";
                return null;
            }
            try
            {
                return CompileOn(p, expression, optimize, netmask, out error);
            }
            finally
            {
                _close(p);
            }
        }
    }

    /// <summary>
    /// Compiles as <c>tcpdump -r file</c> does: with the savefile open (its link type, snaplen and
    /// byte order) and netmask 0. Throws <see cref="InvalidDataException"/> when libpcap cannot open the file.
    /// </summary>
    public Instruction[]? CompileForFile(string file, string expression, bool optimize, out string? error, uint netmask = 0)
    {
        lock (_lock)
        {
            var errbuf = stackalloc byte[512];
            var name = Utf8(file);
            IntPtr p;
            fixed (byte* n = name)
                p = _openOffline(n, 0, errbuf);
            if (p == IntPtr.Zero)
                throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
            try
            {
                return CompileOn(p, expression, optimize, netmask, out error);
            }
            finally
            {
                _close(p);
            }
        }
    }

    /// <summary>A savefile's link type, snaplen and byte order as this libpcap reads them.</summary>
    public (LinkType LinkType, int Snaplen, bool Swapped) FileContext(string file)
    {
        lock (_lock)
        {
            var errbuf = stackalloc byte[512];
            var name = Utf8(file);
            IntPtr p;
            fixed (byte* n = name)
                p = _openOffline(n, 0, errbuf);
            if (p == IntPtr.Zero)
                throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
            try
            {
                return ((LinkType)_datalink(p), _snapshot(p), _isSwapped(p) != 0);
            }
            finally
            {
                _close(p);
            }
        }
    }

    private Instruction[]? CompileOn(IntPtr p, string expression, bool optimize, uint netmask, out string? error)
    {
        BpfProgramNative prog = default;
        var text = Utf8(expression);
        int rc;
        fixed (byte* t = text)
            rc = _compile(p, &prog, t, optimize ? 1 : 0, netmask);
        if (rc != 0)
        {
            error = Marshal.PtrToStringAnsi(_geterr(p));
            return null;
        }
        var result = new ReadOnlySpan<Instruction>(prog.Instructions, (int)prog.Length).ToArray();
        _freecode(&prog);
        error = null;
        return result;
    }

    /// <summary>This library's <c>bpf_filter</c> on the captured bytes with the given wire length.</summary>
    public uint Filter(ReadOnlySpan<Instruction> program, ReadOnlySpan<byte> packet, uint wireLength)
    {
        fixed (Instruction* pc = program)
        fixed (byte* d = packet)
        {
            byte dummy = 0;
            return _filter(pc, d == null ? &dummy : d, wireLength, (uint)packet.Length);
        }
    }

    /// <summary>This library's <c>bpf_validate</c>.</summary>
    public bool Validate(ReadOnlySpan<Instruction> program)
    {
        fixed (Instruction* pc = program)
            return _validate(pc, program.Length) != 0;
    }

    private static byte[] Utf8(string s)
    {
        var bytes = new byte[global::System.Text.Encoding.UTF8.GetByteCount(s) + 1];
        global::System.Text.Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    public override string ToString() => $"{Version} ({Path_})";
}

/// <summary>A fact that is skipped, with the reason, when the head libpcap is not built.</summary>
internal sealed class HeadLibpcapFactAttribute : FactAttribute
{
    public HeadLibpcapFactAttribute()
    {
        if (LibpcapBuild.Head == null)
            Skip = LibpcapBuild.HeadUnavailableReason;
    }
}

/// <summary>A theory that is skipped, with the reason, when the head libpcap is not built.</summary>
internal sealed class HeadLibpcapTheoryAttribute : TheoryAttribute
{
    public HeadLibpcapTheoryAttribute()
    {
        if (LibpcapBuild.Head == null)
            Skip = LibpcapBuild.HeadUnavailableReason;
    }
}
