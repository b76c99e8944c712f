using System.Reflection;
using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Bpf.Testing;

/// <summary>
/// The system libpcap through P/Invoke: the oracle of every differential test. When it is missing,
/// <see cref="IsAvailable"/> is false and <see cref="UnavailableReason"/> says why; tests use
/// <see cref="LibpcapFactAttribute"/> and friends to be skipped with that reason.
/// </summary>
internal static unsafe class Libpcap
{
    private const string Lib = "pcap";
    /// <summary>libpcap's PCAP_NETMASK_UNKNOWN.</summary>
    public const uint NetmaskUnknown = 0xffffffff;
    private static readonly object s_compileLock = new();

    static Libpcap()
    {
        NativeLibrary.SetDllImportResolver(typeof(Libpcap).Assembly, Resolve);
        try
        {
            var version = Marshal.PtrToStringAnsi(pcap_lib_version()) ?? "";
            Version = version;
            IsAvailable = true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            UnavailableReason = $"libpcap is not installed ({e.Message.Split('\n')[0]}); install libpcap-dev to run differential tests";
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib)
            return IntPtr.Zero;
        foreach (var candidate in new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "wpcap", "libpcap.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        return IntPtr.Zero;
    }

    public static bool IsAvailable { get; }
    public static string? UnavailableReason { get; }
    public static string Version { get; } = "";

    [StructLayout(LayoutKind.Sequential)]
    private struct BpfProgramNative
    {
        public uint Length;
        public Instruction* Instructions;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PcapPkthdr
    {
        public nint TvSec;
        public nint TvUsec;
        public uint Caplen;
        public uint Len;
    }

    [DllImport(Lib)] private static extern IntPtr pcap_lib_version();
    [DllImport(Lib)] private static extern IntPtr pcap_open_dead(int linktype, int snaplen);
    [DllImport(Lib)] private static extern void pcap_close(IntPtr p);
    [DllImport(Lib)] private static extern IntPtr pcap_geterr(IntPtr p);
    [DllImport(Lib)] private static extern int pcap_compile(IntPtr p, BpfProgramNative* fp, [MarshalAs(UnmanagedType.LPStr)] string str, int optimize, uint netmask);
    [DllImport(Lib)] private static extern void pcap_freecode(BpfProgramNative* fp);
    [DllImport(Lib)] private static extern uint bpf_filter(Instruction* pc, byte* p, uint wirelen, uint buflen);
    [DllImport(Lib)] private static extern int bpf_validate(Instruction* f, int len);
    [DllImport(Lib)] private static extern IntPtr pcap_open_offline_with_tstamp_precision([MarshalAs(UnmanagedType.LPStr)] string fname, uint precision, byte* errbuf);
    [DllImport(Lib)] private static extern int pcap_next_ex(IntPtr p, PcapPkthdr** header, byte** data);
    [DllImport(Lib)] private static extern int pcap_datalink(IntPtr p);
    [DllImport(Lib)] private static extern int pcap_snapshot(IntPtr p);

    /// <summary>
    /// Compiles like <c>pcap_compile(pcap_open_dead(linkType, snaplen), expr, optimize, netmask)</c>.
    /// Returns the program, or null with libpcap's error message.
    /// </summary>
    public static Instruction[]? Compile(LinkType linkType, int snaplen, string expression, bool optimize, out string? error, uint netmask = NetmaskUnknown)
    {
        lock (s_compileLock)
        {
            var p = pcap_open_dead((int)linkType, snaplen);
            if (p == IntPtr.Zero)
            {
                error = "pcap_open_dead failed";
                return null;
            }
            try
            {
                BpfProgramNative prog = default;
                if (pcap_compile(p, &prog, expression, optimize ? 1 : 0, netmask) != 0)
                {
                    error = Marshal.PtrToStringAnsi(pcap_geterr(p));
                    return null;
                }
                var result = new ReadOnlySpan<Instruction>(prog.Instructions, (int)prog.Length).ToArray();
                pcap_freecode(&prog);
                error = null;
                return result;
            }
            finally
            {
                pcap_close(p);
            }
        }
    }

    /// <summary>libpcap's <c>bpf_filter</c> on the captured bytes with the given wire length.</summary>
    public static uint Filter(ReadOnlySpan<Instruction> program, ReadOnlySpan<byte> packet, uint wireLength)
    {
        // bpf_filter of an empty program returns (u_int)-1 in libpcap; callers validate first.
        fixed (Instruction* pc = program)
        fixed (byte* p = packet)
        {
            byte dummy = 0;
            return bpf_filter(pc, p == null ? &dummy : p, wireLength, (uint)packet.Length);
        }
    }

    /// <summary>libpcap's <c>bpf_validate</c>.</summary>
    public static bool Validate(ReadOnlySpan<Instruction> program)
    {
        fixed (Instruction* pc = program)
            return bpf_validate(pc, program.Length) != 0;
    }

    /// <summary>One packet as libpcap reads it from a file.</summary>
    public sealed record Packet(long Seconds, long Nanoseconds, uint WireLength, byte[] Data);

    /// <summary>Reads a whole capture file with <c>pcap_open_offline</c> (nanosecond precision).</summary>
    /// <exception cref="InvalidDataException">libpcap refused the file or a record.</exception>
    public static (LinkType LinkType, int Snaplen, List<Packet> Packets) ReadFile(string path)
    {
        var errbuf = stackalloc byte[512];
        var p = pcap_open_offline_with_tstamp_precision(path, 1, errbuf);
        if (p == IntPtr.Zero)
            throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
        try
        {
            var packets = new List<Packet>();
            while (true)
            {
                PcapPkthdr* header;
                byte* data;
                var rc = pcap_next_ex(p, &header, &data);
                if (rc == -2)
                    break;
                if (rc != 1)
                    throw new InvalidDataException(Marshal.PtrToStringAnsi(pcap_geterr(p)));
                packets.Add(new Packet(header->TvSec, header->TvUsec, header->Len,
                    new ReadOnlySpan<byte>(data, (int)header->Caplen).ToArray()));
            }
            return ((LinkType)pcap_datalink(p), pcap_snapshot(p), packets);
        }
        finally
        {
            pcap_close(p);
        }
    }
}

/// <summary>A fact that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapFactAttribute : FactAttribute
{
    public LibpcapFactAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}

/// <summary>A theory that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapTheoryAttribute : TheoryAttribute
{
    public LibpcapTheoryAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}

/// <summary>An FsCheck property that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapPropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    public LibpcapPropertyAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}
