using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Interop.Libpcap;

/// <summary>
/// libpcap's C API as source-generated P/Invoke (<c>[LibraryImport]</c>), resolved by
/// <see cref="LibpcapLibrary"/>. Names and parameters follow pcap.h so a call reads like the C it
/// stands for. Handles from SharpPcap are passed as its <see cref="SafeHandle"/>s, so a call in flight
/// keeps the handle alive even if another thread closes the device.
/// </summary>
public static unsafe partial class LibpcapNative
{
    /// <summary>libpcap's <c>PCAP_ERROR_BREAK</c>: <c>pcap_breakloop</c> interrupted the read.</summary>
    public const int ErrorBreak = -2;

    /// <summary>libpcap's <c>PCAP_NETMASK_UNKNOWN</c>.</summary>
    public const uint NetmaskUnknown = 0xffffffff;

    /// <summary><c>PCAP_TSTAMP_PRECISION_MICRO</c> and <c>PCAP_TSTAMP_PRECISION_NANO</c>.</summary>
    public const uint PrecisionMicro = 0, PrecisionNano = 1;

    /// <summary>Npcap's <c>MODE_CAPT</c> and <c>MODE_STAT</c> for <c>pcap_setmode</c>.</summary>
    public const int ModeCapture = 0, ModeStatistics = 1;

    /// <summary><c>PCAP_ERRBUF_SIZE</c>.</summary>
    public const int ErrorBufferSize = 256;

    static LibpcapNative() => LibpcapLibrary.EnsureResolver();

    // Library and version.
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_lib_version();

    // Compiling and running filters. bpf_filter skips the GC transition: it never blocks, calls back
    // or allocates, and without the transition a call costs what a C caller pays (the baseline of
    // `bpf bench --engine libpcap` and the benchmarks is then not inflated by interop).
    [LibraryImport(LibpcapLibrary.Name), SuppressGCTransition]
    public static partial uint bpf_filter(Instruction* pc, byte* p, uint wirelen, uint buflen);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int bpf_validate(Instruction* f, int len);
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr bpf_image(Instruction* p, int n);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_compile(IntPtr p, BpfProgramNative* fp, byte* str, int optimize, uint netmask);
    [LibraryImport(LibpcapLibrary.Name)] public static partial void pcap_freecode(BpfProgramNative* fp);

    // Handles without a device: dead and offline.
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_open_dead(int linktype, int snaplen);
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_open_offline_with_tstamp_precision(byte* fname, uint precision, byte* errbuf);
    [LibraryImport(LibpcapLibrary.Name)] public static partial void pcap_close(IntPtr p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_geterr(IntPtr p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_next_ex(IntPtr p, PcapPacketHeader** header, byte** data);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_datalink(IntPtr p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_snapshot(IntPtr p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_is_swapped(IntPtr p);

    // Live handles opened here (tests: the compiler's context on a live handle).
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_create(byte* source, byte* errbuf);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_activate(IntPtr p);

    // Live handles SharpPcap opened (Capture.Npcap), as its SafeHandle.
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_setfilter(SafeHandle p, BpfProgramNative* fp);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_next_ex(SafeHandle p, IntPtr* header, IntPtr* data);
    [LibraryImport(LibpcapLibrary.Name)] public static partial void pcap_breakloop(SafeHandle p);

    /// <summary>
    /// <c>pcap_dispatch</c>: calls <paramref name="callback"/> for each packet the driver has ready (up to
    /// <paramref name="count"/>, -1 for all of one read) and returns how many, 0 when none, or an error.
    /// </summary>
    [LibraryImport(LibpcapLibrary.Name)]
    public static partial int pcap_dispatch(SafeHandle p, int count, delegate* unmanaged[Cdecl]<byte*, IntPtr, byte*, void> callback, byte* user);

    /// <summary><c>pcap_breakloop</c> on a raw handle: from inside a <see cref="pcap_dispatch"/> callback.</summary>
    [LibraryImport(LibpcapLibrary.Name, EntryPoint = "pcap_breakloop")] public static partial void pcap_breakloop_raw(IntPtr p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_sendpacket(SafeHandle p, byte* buffer, int size);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_stats(SafeHandle p, PcapStat* stats);
    [LibraryImport(LibpcapLibrary.Name)] public static partial IntPtr pcap_geterr(SafeHandle p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_fileno(SafeHandle p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_get_selectable_fd(SafeHandle p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_setnonblock(SafeHandle p, int nonblock, byte* errbuf);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_datalink(SafeHandle p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_snapshot(SafeHandle p);
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_get_tstamp_precision(SafeHandle p);

    /// <summary>Npcap only (absent from libpcap on other platforms).</summary>
    [LibraryImport(LibpcapLibrary.Name)] public static partial int pcap_setmode(SafeHandle p, int mode);

    /// <summary>The handle's last libpcap error text.</summary>
    public static string LastError(SafeHandle p) => Marshal.PtrToStringAnsi(pcap_geterr(p)) ?? "unknown libpcap error";

    /// <summary>The handle's last libpcap error text.</summary>
    public static string LastError(IntPtr p) => Marshal.PtrToStringAnsi(pcap_geterr(p)) ?? "unknown libpcap error";

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="text"/> for a <c>const char *</c> argument.</summary>
    public static byte[] CString(string text)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}
