using System.Reflection;
using System.Runtime.InteropServices;

namespace Capture.Npcap.Native;

/// <summary>
/// The few libpcap/Npcap entry points SharpPcap keeps internal. Handles are SharpPcap's own
/// <see cref="SafeHandle"/>s, so a call in flight keeps the handle alive even if another thread
/// closes the device (the native close is deferred until the call returns).
/// </summary>
internal static unsafe class PcapNative
{
    private const string Lib = "pcap";
    private const string LibC = "c";

    /// <summary>libpcap's <c>PCAP_ERROR_BREAK</c>: <c>pcap_breakloop</c> interrupted the read.</summary>
    public const int ErrorBreak = -2;

    /// <summary>Npcap's <c>MODE_CAPT</c> and <c>MODE_STAT</c> for <c>pcap_setmode</c>.</summary>
    public const int ModeCapture = 0, ModeStatistics = 1;

    static PcapNative() => NativeLibrary.SetDllImportResolver(typeof(PcapNative).Assembly, Resolve);

    /// <summary>
    /// Loads the same library file SharpPcap loads (same names, same order): a pcap_t must only
    /// ever be handed to the libpcap that created it.
    /// </summary>
    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string[] candidates = name switch
        {
            Lib when OperatingSystem.IsWindows() =>
                [Path.Combine(Environment.SystemDirectory, "Npcap", "wpcap.dll"), "wpcap.dll"],
            Lib when OperatingSystem.IsMacOS() => ["libpcap.dylib"],
            Lib => ["libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1"],
            LibC when OperatingSystem.IsLinux() => ["libc.so.6"],
            LibC => ["libc"],
            _ => [],
        };
        foreach (var candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        return IntPtr.Zero;
    }

    /// <summary><c>struct bpf_program</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgramNative
    {
        public uint Length;
        public IntPtr Instructions;
    }

    /// <summary><c>struct pcap_stat</c> (Npcap appends <c>ps_capt</c>, hence the spare field).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PcapStat
    {
        public uint Received;
        public uint Dropped;
        public uint InterfaceDropped;
        public uint Captured;
    }

    [DllImport(Lib)] public static extern uint bpf_filter(Bpf.Vm.Instruction* pc, byte* p, uint wirelen, uint buflen);
    [DllImport(Lib)] public static extern IntPtr pcap_lib_version();
    [DllImport(Lib)] public static extern int pcap_setfilter(SafeHandle p, BpfProgramNative* fp);
    [DllImport(Lib)] public static extern int pcap_next_ex(SafeHandle p, IntPtr* header, IntPtr* data);
    [DllImport(Lib)] public static extern void pcap_breakloop(SafeHandle p);

    /// <summary>
    /// <c>pcap_dispatch</c>: calls <paramref name="callback"/> for each packet the driver has ready (up to
    /// <paramref name="count"/>, -1 for all of one read) and returns how many, 0 when none, or an error.
    /// </summary>
    [DllImport(Lib)]
    public static extern int pcap_dispatch(SafeHandle p, int count, delegate* unmanaged[Cdecl]<byte*, IntPtr, byte*, void> callback, byte* user);

    /// <summary><c>pcap_breakloop</c> on a raw handle: from inside a <see cref="pcap_dispatch"/> callback.</summary>
    [DllImport(Lib, EntryPoint = "pcap_breakloop")] public static extern void pcap_breakloop_raw(IntPtr p);
    [DllImport(Lib)] public static extern int pcap_sendpacket(SafeHandle p, byte* buffer, int size);
    [DllImport(Lib)] public static extern int pcap_stats(SafeHandle p, PcapStat* stats);
    [DllImport(Lib)] public static extern IntPtr pcap_geterr(SafeHandle p);
    [DllImport(Lib)] public static extern int pcap_fileno(SafeHandle p);
    [DllImport(Lib)] public static extern int pcap_get_selectable_fd(SafeHandle p);
    [DllImport(Lib)] public static extern int pcap_setnonblock(SafeHandle p, int nonblock, byte* errbuf);
    [DllImport(Lib)] public static extern int pcap_datalink(SafeHandle p);
    [DllImport(Lib)] public static extern int pcap_snapshot(SafeHandle p);
    [DllImport(Lib)] public static extern int pcap_get_tstamp_precision(SafeHandle p);

    /// <summary>Npcap only (absent from libpcap on other platforms).</summary>
    [DllImport(Lib)] public static extern int pcap_setmode(SafeHandle p, int mode);

    /// <summary>Linux: reads a socket option (<c>SO_GET_FILTER</c>).</summary>
    [DllImport(LibC, SetLastError = true)]
    public static extern int getsockopt(int fd, int level, int name, void* value, uint* length);

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary><c>POLLIN</c>.</summary>
    public const short PollIn = 1;

    /// <summary>Unix: waits for a descriptor (<c>poll</c>).</summary>
    [DllImport(LibC, SetLastError = true)]
    public static extern int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>The handle's last libpcap error text.</summary>
    public static string LastError(SafeHandle p) => Marshal.PtrToStringAnsi(pcap_geterr(p)) ?? "unknown libpcap error";

    /// <summary>The loaded library's version string, e.g. "libpcap version 1.10.3" or "Npcap version 1.79, based on libpcap 1.10.4".</summary>
    public static string Version => Marshal.PtrToStringAnsi(pcap_lib_version()) ?? "";
}
