using System.Reflection;
using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>
/// The system libpcap: its compiler (programs until ours is the default), its file reader, and its
/// C interpreter <c>bpf_filter</c>, the baseline every engine is measured against.
/// </summary>
internal static unsafe class NativeLibpcap
{
    private const string Lib = "pcap";

    static NativeLibpcap() => NativeLibrary.SetDllImportResolver(typeof(NativeLibpcap).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib)
            return IntPtr.Zero;
        foreach (var candidate in new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "wpcap", "libpcap.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        return IntPtr.Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeProgram
    {
        public uint Length;
        public Instruction* Instructions;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PacketHeader
    {
        public nint Seconds;
        public nint Microseconds;
        public uint CaptureLength;
        public uint WireLength;
    }

    [DllImport(Lib)] private static extern IntPtr pcap_open_dead(int linktype, int snaplen);
    [DllImport(Lib)] private static extern IntPtr pcap_open_offline([MarshalAs(UnmanagedType.LPStr)] string fname, byte* errbuf);
    [DllImport(Lib)] private static extern void pcap_close(IntPtr p);
    [DllImport(Lib)] private static extern IntPtr pcap_geterr(IntPtr p);
    [DllImport(Lib)] private static extern int pcap_compile(IntPtr p, NativeProgram* fp, [MarshalAs(UnmanagedType.LPStr)] string str, int optimize, uint netmask);
    [DllImport(Lib)] private static extern void pcap_freecode(NativeProgram* fp);
    [DllImport(Lib)] private static extern int pcap_next_ex(IntPtr p, PacketHeader** header, byte** data);
    [DllImport(Lib)] private static extern int pcap_datalink(IntPtr p);

    // No GC transition: the call then costs about what a C caller pays, so the baseline is not
    // inflated by interop (bpf_filter never blocks, calls back or allocates).
    [DllImport(Lib), SuppressGCTransition]
    public static extern uint bpf_filter(Instruction* pc, byte* p, uint wirelen, uint buflen);

    /// <summary>Compiles with libpcap's optimizer for a link type; throws with libpcap's message.</summary>
    public static Instruction[] Compile(LinkType linkType, string expression, int snaplen = 262144)
    {
        var p = pcap_open_dead((int)linkType, snaplen);
        try
        {
            NativeProgram program = default;
            if (pcap_compile(p, &program, expression, 1, 0xffffffff) != 0)
                throw new InvalidOperationException(Marshal.PtrToStringAnsi(pcap_geterr(p)));
            var result = new ReadOnlySpan<Instruction>(program.Instructions, (int)program.Length).ToArray();
            pcap_freecode(&program);
            return result;
        }
        finally
        {
            pcap_close(p);
        }
    }

    /// <summary>Reads every packet of a capture file: link type, captured bytes and wire lengths.</summary>
    public static (LinkType LinkType, byte[][] Packets, uint[] WireLengths) ReadFile(string path)
    {
        var p = OpenOffline(path);
        try
        {
            var packets = new List<byte[]>();
            var wire = new List<uint>();
            PacketHeader* header;
            byte* data;
            while (pcap_next_ex(p, &header, &data) == 1)
            {
                packets.Add(new ReadOnlySpan<byte>(data, (int)header->CaptureLength).ToArray());
                wire.Add(header->WireLength);
            }
            return ((LinkType)pcap_datalink(p), [.. packets], [.. wire]);
        }
        finally
        {
            pcap_close(p);
        }
    }

    /// <summary>Reads a capture file with pcap_next_ex and filters each packet with bpf_filter: what <c>tcpdump -r FILE -w /dev/null EXPR</c> does per packet.</summary>
    public static long FilterFile(string path, Instruction[] program)
    {
        var p = OpenOffline(path);
        try
        {
            long accepted = 0;
            PacketHeader* header;
            byte* data;
            fixed (Instruction* pc = program)
            {
                while (pcap_next_ex(p, &header, &data) == 1)
                    if (bpf_filter(pc, data, header->WireLength, header->CaptureLength) != 0)
                        accepted++;
            }
            return accepted;
        }
        finally
        {
            pcap_close(p);
        }
    }

    private static IntPtr OpenOffline(string path)
    {
        var errbuf = stackalloc byte[512];
        var p = pcap_open_offline(path, errbuf);
        return p != IntPtr.Zero ? p : throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
    }
}
