using System.Runtime.InteropServices;
using Bpf.Vm;
using Interop.Libpcap;

namespace Bpf.Benchmarks;

/// <summary>
/// The system libpcap: its compiler (programs until ours is the default), its file reader, and its
/// C interpreter <c>bpf_filter</c>, the baseline every engine is measured against.
/// </summary>
internal static unsafe class NativeLibpcap
{
    /// <summary>Compiles with libpcap's optimizer for a link type; throws with libpcap's message.</summary>
    public static Instruction[] Compile(LinkType linkType, string expression, int snaplen = 262144)
    {
        var p = LibpcapNative.pcap_open_dead((int)linkType, snaplen);
        try
        {
            BpfProgramNative program = default;
            var text = LibpcapNative.CString(expression);
            fixed (byte* t = text)
                if (LibpcapNative.pcap_compile(p, &program, t, 1, LibpcapNative.NetmaskUnknown) != 0)
                    throw new InvalidOperationException(LibpcapNative.LastError(p));
            var result = program.ToArray();
            LibpcapNative.pcap_freecode(&program);
            return result;
        }
        finally
        {
            LibpcapNative.pcap_close(p);
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
            PcapPacketHeader* header;
            byte* data;
            while (LibpcapNative.pcap_next_ex(p, &header, &data) == 1)
            {
                packets.Add(new ReadOnlySpan<byte>(data, (int)header->CaptureLength).ToArray());
                wire.Add(header->WireLength);
            }
            return ((LinkType)LibpcapNative.pcap_datalink(p), [.. packets], [.. wire]);
        }
        finally
        {
            LibpcapNative.pcap_close(p);
        }
    }

    /// <summary>Reads a capture file with pcap_next_ex and filters each packet with bpf_filter: what <c>tcpdump -r FILE -w /dev/null EXPR</c> does per packet.</summary>
    public static long FilterFile(string path, Instruction[] program)
    {
        var p = OpenOffline(path);
        try
        {
            long accepted = 0;
            PcapPacketHeader* header;
            byte* data;
            fixed (Instruction* pc = program)
            {
                while (LibpcapNative.pcap_next_ex(p, &header, &data) == 1)
                    if (LibpcapNative.bpf_filter(pc, data, header->WireLength, header->CaptureLength) != 0)
                        accepted++;
            }
            return accepted;
        }
        finally
        {
            LibpcapNative.pcap_close(p);
        }
    }

    private static IntPtr OpenOffline(string path)
    {
        var errbuf = stackalloc byte[LibpcapNative.ErrorBufferSize * 2];
        var name = LibpcapNative.CString(path);
        IntPtr p;
        fixed (byte* n = name)
            p = LibpcapNative.pcap_open_offline_with_tstamp_precision(n, LibpcapNative.PrecisionMicro, errbuf);
        return p != IntPtr.Zero ? p : throw new InvalidDataException(Marshal.PtrToStringAnsi((IntPtr)errbuf));
    }
}
