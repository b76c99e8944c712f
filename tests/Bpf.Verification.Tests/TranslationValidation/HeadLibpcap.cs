using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Bpf.Verification.Tests.TranslationValidation;

/// <summary>
/// libpcap's development head (the oracle of the default compatibility mode), loaded by path beside the
/// system's 1.10.3: <c>BPF_LIBPCAP_HEAD</c>, else the build script's default output path. Only
/// <c>pcap_compile</c> is needed here; unavailable (with the reason) when neither path holds the library.
/// </summary>
internal static unsafe class HeadLibpcap
{
    private static readonly object s_lock = new();
    private static readonly delegate* unmanaged<int, int, IntPtr> s_openDead;
    private static readonly delegate* unmanaged<IntPtr, NativeProgram*, byte*, int, uint, int> s_compile;
    private static readonly delegate* unmanaged<NativeProgram*, void> s_freecode;
    private static readonly delegate* unmanaged<IntPtr, void> s_close;
    private static readonly delegate* unmanaged<IntPtr, IntPtr> s_geterr;
    private static readonly delegate* unmanaged<IntPtr> s_version;

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeProgram
    {
        public uint Length;
        public Instruction* Instructions;
    }

    static HeadLibpcap()
    {
        var path = Environment.GetEnvironmentVariable("BPF_LIBPCAP_HEAD") is { Length: > 0 } set
            ? set
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache/bpf-oracle/libpcap-f26ae497/build/libpcap.so");
        if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out var handle))
        {
            UnavailableReason = $"libpcap head not found at {path}: run ../shared/oracle/build-libpcap.sh or set BPF_LIBPCAP_HEAD";
            return;
        }
        s_openDead = (delegate* unmanaged<int, int, IntPtr>)NativeLibrary.GetExport(handle, "pcap_open_dead");
        s_compile = (delegate* unmanaged<IntPtr, NativeProgram*, byte*, int, uint, int>)NativeLibrary.GetExport(handle, "pcap_compile");
        s_freecode = (delegate* unmanaged<NativeProgram*, void>)NativeLibrary.GetExport(handle, "pcap_freecode");
        s_close = (delegate* unmanaged<IntPtr, void>)NativeLibrary.GetExport(handle, "pcap_close");
        s_geterr = (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(handle, "pcap_geterr");
        s_version = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(handle, "pcap_lib_version");
        Version = Marshal.PtrToStringAnsi(s_version()) ?? "";
        IsAvailable = true;
    }

    public static bool IsAvailable { get; }
    public static string? UnavailableReason { get; }
    public static string Version { get; } = "";

    /// <summary>Like <c>pcap_compile(pcap_open_dead(linkType, snaplen), expression, optimize, netmask)</c>; null with the error on failure.</summary>
    public static Instruction[]? Compile(LinkType linkType, int snaplen, string expression, bool optimize, out string? error, uint netmask)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(expression + "\0");
        lock (s_lock)
        {
            var p = s_openDead((int)linkType, snaplen);
            if (p == IntPtr.Zero)
            {
                error = "pcap_open_dead failed";
                return null;
            }
            try
            {
                NativeProgram program = default;
                fixed (byte* e = text)
                {
                    if (s_compile(p, &program, e, optimize ? 1 : 0, netmask) != 0)
                    {
                        error = Marshal.PtrToStringAnsi(s_geterr(p));
                        return null;
                    }
                }
                var result = new ReadOnlySpan<Instruction>(program.Instructions, (int)program.Length).ToArray();
                s_freecode(&program);
                error = null;
                return result;
            }
            finally
            {
                s_close(p);
            }
        }
    }
}
