using System.Runtime.InteropServices;
using Bpf.Vm;
using Interop.Libpcap;

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
    public const uint NetmaskUnknown = LibpcapNative.NetmaskUnknown;

    /// <summary>The environment variable naming the head's libpcap.so (set by test.sh).</summary>
    public const string HeadVariable = "BPF_LIBPCAP_HEAD";

    /// <summary>Where ../shared/oracle/build-libpcap.sh leaves the head's build by default.</summary>
    public static string DefaultHeadPath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "bpf-oracle", "libpcap-f26ae497", "build", "libpcap.so");

    // The system build is the library LibpcapNative (and so the live backend) calls, found by the one
    // search order in LibpcapLibrary.
    private static readonly Lazy<(LibpcapBuild? Build, string? Reason)> s_system = new(() =>
        LibpcapExports.Default is { } exports
            ? (new LibpcapBuild(exports), null)
            : (null, $"the system libpcap is not installed ({LibpcapLibrary.UnavailableReason}); install libpcap-dev to run differential tests"));

    private static readonly Lazy<(LibpcapBuild? Build, string? Reason)> s_head = new(LoadHead);

    // libpcap's compiler keeps per-handle state but its scanner and optimizer had process-wide
    // state in older releases, and bpf_image returns a static buffer: one call at a time per library.
    private readonly object _lock = new();
    private readonly LibpcapExports _pcap;

    private LibpcapBuild(LibpcapExports exports)
    {
        _pcap = exports;
        Version = exports.Version;
    }

    /// <summary>The file the library was loaded from.</summary>
    public string File => _pcap.File;

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

    private static (LibpcapBuild?, string?) LoadHead()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(HeadVariable);
        var path = string.IsNullOrEmpty(fromEnvironment) ? DefaultHeadPath : fromEnvironment;
        if (!global::System.IO.File.Exists(path))
            return (null, $"the head libpcap is not built ({path} is missing; set {HeadVariable} or run ../shared/oracle/build-libpcap.sh)");
        if (LibpcapExports.Load(path, out var reason) is not { } exports)
            return (null, $"cannot load the head libpcap: {reason}");
        var head = new LibpcapBuild(exports);
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
    /// <c>pcap_pcap.pcap_compile(pcap_open_dead(linkType, snaplen), expression, optimize, netmask)</c>: the
    /// program, or null with libpcap's error message.
    /// </summary>
    public Instruction[]? Compile(LinkType linkType, int snaplen, string expression, bool optimize, out string? error, uint netmask = NetmaskUnknown)
    {
        lock (_lock)
        {
            var p = _pcap.pcap_open_dead((int)linkType, snaplen);
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
                _pcap.pcap_close(p);
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
                p = _pcap.pcap_open_offline_with_tstamp_precision(n, 0, errbuf);
            if (p == IntPtr.Zero)
                throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
            try
            {
                return CompileOn(p, expression, optimize, netmask, out error);
            }
            finally
            {
                _pcap.pcap_close(p);
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
                p = _pcap.pcap_open_offline_with_tstamp_precision(n, 0, errbuf);
            if (p == IntPtr.Zero)
                throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
            try
            {
                return ((LinkType)_pcap.pcap_datalink(p), _pcap.pcap_snapshot(p), _pcap.pcap_is_swapped(p) != 0);
            }
            finally
            {
                _pcap.pcap_close(p);
            }
        }
    }

    private Instruction[]? CompileOn(IntPtr p, string expression, bool optimize, uint netmask, out string? error)
    {
        BpfProgramNative prog = default;
        var text = Utf8(expression);
        int rc;
        fixed (byte* t = text)
            rc = _pcap.pcap_compile(p, &prog, t, optimize ? 1 : 0, netmask);
        if (rc != 0)
        {
            error = Marshal.PtrToStringAnsi(_pcap.pcap_geterr(p));
            return null;
        }
        var result = prog.ToArray();
        _pcap.pcap_freecode(&prog);
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
            return _pcap.bpf_filter(pc, d == null ? &dummy : d, wireLength, (uint)packet.Length);
        }
    }

    /// <summary>This library's <c>bpf_validate</c>.</summary>
    public bool Validate(ReadOnlySpan<Instruction> program)
    {
        fixed (Instruction* pc = program)
            return _pcap.bpf_validate(pc, program.Length) != 0;
    }

    /// <summary>One packet as libpcap reads it from a file.</summary>
    public sealed record Packet(long Seconds, long Nanoseconds, uint WireLength, byte[] Data);

    /// <summary>Reads a whole capture file with <c>pcap_open_offline</c> (nanosecond precision).</summary>
    /// <exception cref="InvalidDataException">libpcap refused the file or a record.</exception>
    public (LinkType LinkType, int Snaplen, List<Packet> Packets) ReadFile(string path)
    {
        var packets = new List<Packet>();
        var (linkType, snaplen, error) = ReadPackets(path, packets);
        return error is null ? (linkType, snaplen, packets) : throw new InvalidDataException(error);
    }

    /// <summary>
    /// Reads packets until the end or libpcap's first error: the packets it delivered, and the error
    /// (at open or later), or null after a clean end.
    /// </summary>
    public (LinkType LinkType, int Snaplen, string? Error) ReadPackets(string path, List<Packet> packets)
    {
        var errbuf = stackalloc byte[LibpcapNative.ErrorBufferSize * 2];
        var name = Utf8(path);
        IntPtr p;
        fixed (byte* n = name)
            p = _pcap.pcap_open_offline_with_tstamp_precision(n, LibpcapNative.PrecisionNano, errbuf);
        if (p == IntPtr.Zero)
            return (default, 0, Marshal.PtrToStringAnsi((IntPtr)errbuf) ?? "pcap_open_offline failed");
        try
        {
            while (true)
            {
                PcapPacketHeader* header;
                byte* data;
                var rc = _pcap.pcap_next_ex(p, &header, &data);
                if (rc == LibpcapNative.ErrorBreak)
                    return ((LinkType)_pcap.pcap_datalink(p), _pcap.pcap_snapshot(p), null);
                if (rc != 1)
                    return ((LinkType)_pcap.pcap_datalink(p), _pcap.pcap_snapshot(p), Marshal.PtrToStringAnsi(_pcap.pcap_geterr(p)) ?? "pcap_next_ex failed");
                packets.Add(new Packet(header->Seconds, header->Fraction, header->WireLength,
                    new ReadOnlySpan<byte>(data, (int)header->CaptureLength).ToArray()));
            }
        }
        finally
        {
            _pcap.pcap_close(p);
        }
    }

    /// <summary>This library's <c>bpf_image</c> line for <paramref name="insn"/> at index <paramref name="n"/>.</summary>
    public string Image(Instruction insn, int n)
    {
        lock (_lock)
            return Marshal.PtrToStringAnsi(_pcap.bpf_image(&insn, n)) ?? "";
    }

    private static byte[] Utf8(string s) => LibpcapNative.CString(s);

    public override string ToString() => $"{Version} ({File})";
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
