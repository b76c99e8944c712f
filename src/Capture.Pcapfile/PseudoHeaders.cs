using System.Buffers.Binary;
using Bpf.Vm;

namespace Capture.Pcapfile;

/// <summary>
/// libpcap's <c>swap_pseudo_headers</c> (pcap-util.c): some link types carry fields in the byte order of
/// the host that captured them. Reading a file written on a host of the other byte order, libpcap swaps
/// those fields in place before a filter or a dump sees the packet; so do we, so that filters and
/// <c>-w</c> copies match <c>tcpdump -r</c>'s. Covered: DLT_NFLOG TLV headers, DLT_PFLOG uid/pid fields,
/// SocketCAN headers behind DLT_LINUX_SLL/SLL2. Not covered: DLT_USB_LINUX(_MMAPPED).
/// </summary>
internal static class PseudoHeaders
{
    private const ushort SllProtocolCan = 0x000C;
    private const ushort SllProtocolCanFd = 0x000D;
    private const ushort SllProtocolCanXl = 0x000E;
    private const int SllHeaderLength = 16;
    private const int SllProtocolOffset = 14;
    private const int Sll2HeaderLength = 20;
    private const int NflogHeaderLength = 4;
    private const int NflogTlvLength = 4;
    private const int PflogLengthOffset = 0;
    // struct pfloghdr: uid, pid, rule_uid, rule_pid, 4 bytes each, in host order.
    private static readonly int[] s_pflogHostOrderFields = [44, 48, 52, 56];

    /// <summary>Whether packets of a link type may need <see cref="SwapInPlace"/> in a byte-swapped file.</summary>
    public static bool MayNeedSwap(LinkType linkType) =>
        linkType is LinkType.NFLOG or LinkType.PFLOG or LinkType.LINUX_SLL or LinkType.LINUX_SLL2;

    /// <summary>Swaps the host-order fields of a packet read from a byte-swapped file, as libpcap does.</summary>
    /// <param name="linkType">The packet's link type.</param>
    /// <param name="data">The captured bytes, changed in place.</param>
    /// <param name="wireLength">The packet's original length (libpcap checks both lengths).</param>
    public static void SwapInPlace(LinkType linkType, Span<byte> data, uint wireLength)
    {
        // libpcap requires both the captured and the original length to cover a field.
        var length = (int)Math.Min((uint)data.Length, wireLength);
        var bytes = data[..length];
        switch (linkType)
        {
            case LinkType.NFLOG:
                SwapNflog(bytes);
                break;
            case LinkType.PFLOG:
                SwapPflog(bytes);
                break;
            case LinkType.LINUX_SLL when bytes.Length >= SllHeaderLength:
                SwapSocketCan(BinaryPrimitives.ReadUInt16BigEndian(bytes[SllProtocolOffset..]), bytes[SllHeaderLength..]);
                break;
            case LinkType.LINUX_SLL2 when bytes.Length >= Sll2HeaderLength:
                SwapSocketCan(BinaryPrimitives.ReadUInt16BigEndian(bytes), bytes[Sll2HeaderLength..]);
                break;
        }
    }

    private static void SwapNflog(Span<byte> bytes)
    {
        // nflog_hdr_t: family, version (0 is the only one known), resource id; then TLVs of
        // (length, type) in host order, each padded to 4 bytes.
        if (bytes.Length < NflogHeaderLength || bytes[1] != 0)
            return;
        var tlvs = bytes[NflogHeaderLength..];
        while (tlvs.Length >= NflogTlvLength)
        {
            Swap16(tlvs);
            Swap16(tlvs[2..]);
            // Now in this host's order.
            int size = BitConverter.IsLittleEndian ? BinaryPrimitives.ReadUInt16LittleEndian(tlvs) : BinaryPrimitives.ReadUInt16BigEndian(tlvs);
            size = (size + 3) & ~3;
            if (size < NflogTlvLength || tlvs.Length < size)
                return;
            tlvs = tlvs[size..];
        }
    }

    private static void SwapPflog(Span<byte> bytes)
    {
        // The header says how long it is: older pflog headers lack the later fields.
        if (bytes.Length <= PflogLengthOffset)
            return;
        var headerLength = bytes[PflogLengthOffset];
        foreach (var offset in s_pflogHostOrderFields)
        {
            if (bytes.Length < offset + 4 || headerLength < offset + 4)
                return;
            Swap32(bytes[offset..]);
        }
    }

    private static void SwapSocketCan(ushort protocol, Span<byte> can)
    {
        switch (protocol)
        {
            case SllProtocolCan or SllProtocolCanFd when can.Length >= 4:
                Swap32(can); // can_id
                break;
            case SllProtocolCanXl when can.Length >= 4:
                Swap32(can); // priority_vcid
                if (can.Length < 8)
                    return;
                Swap16(can[6..]); // payload_length
                if (can.Length < 12)
                    return;
                Swap32(can[8..]); // acceptance_field
                break;
        }
    }

    private static void Swap16(Span<byte> at) =>
        BinaryPrimitives.WriteUInt16BigEndian(at, BinaryPrimitives.ReadUInt16LittleEndian(at));

    private static void Swap32(Span<byte> at) =>
        BinaryPrimitives.WriteUInt32BigEndian(at, BinaryPrimitives.ReadUInt32LittleEndian(at));
}
