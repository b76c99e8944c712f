using System.Runtime.InteropServices;
using Bpf.Vm;

namespace Capture.Pcapfile.Tests;

/// <summary>
/// Reads a file with libpcap up to its first error, keeping the packets before it (the shared
/// <c>Libpcap.ReadFile</c> throws them away), so damaged files can be compared packet by packet.
/// </summary>
internal static unsafe class LibpcapPartialReader
{
    [StructLayout(LayoutKind.Sequential)]
    private struct PcapPkthdr
    {
        public nint TvSec;
        public nint TvUsec;
        public uint Caplen;
        public uint Len;
    }

    // "pcap" resolves through the resolver the shared Libpcap class installs for this assembly.
    [DllImport("pcap")] private static extern IntPtr pcap_open_offline_with_tstamp_precision([MarshalAs(UnmanagedType.LPStr)] string fname, uint precision, byte* errbuf);
    [DllImport("pcap")] private static extern int pcap_next_ex(IntPtr p, PcapPkthdr** header, byte** data);
    [DllImport("pcap")] private static extern int pcap_datalink(IntPtr p);
    [DllImport("pcap")] private static extern void pcap_close(IntPtr p);

    /// <summary>The packets libpcap delivers, and whether it stopped with an error (at open or later).</summary>
    public static (List<Packet> Packets, bool Failed) Read(string path)
    {
        if (!Bpf.Testing.Libpcap.IsAvailable)
            throw new InvalidOperationException(Bpf.Testing.Libpcap.UnavailableReason);
        var errbuf = stackalloc byte[512];
        var p = pcap_open_offline_with_tstamp_precision(path, 1, errbuf);
        if (p == IntPtr.Zero)
            return ([], true);
        try
        {
            var linkType = (LinkType)pcap_datalink(p);
            var packets = new List<Packet>();
            while (true)
            {
                PcapPkthdr* header;
                byte* data;
                var rc = pcap_next_ex(p, &header, &data);
                if (rc == -2)
                    return (packets, false);
                if (rc != 1)
                    return (packets, true);
                packets.Add(new Packet(new ReadOnlySpan<byte>(data, (int)header->Caplen).ToArray(), header->Len,
                    header->TvSec * 1_000_000_000L + header->TvUsec, linkType, 0));
            }
        }
        finally
        {
            pcap_close(p);
        }
    }
}
