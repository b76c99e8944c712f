using System.Runtime.CompilerServices;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// The three packet-carrying blocks of pcapng, parsed from a block body with libpcap's checks
/// (sf-pcapng.c <c>pcap_ng_next_packet</c>): the interface must exist, the captured length may not
/// exceed its snapshot length, and the data must fit in the block. Options after the data are skipped.
/// </summary>
internal static class PacketBlocks
{
    // Enhanced Packet Block: interface id, timestamp high and low words, captured and original length.
    private const int EnhancedInterfaceOffset = 0;
    private const int TimestampHighOffset = 4;
    private const int TimestampLowOffset = 8;
    private const int EnhancedCapturedOffset = 12;
    private const int EnhancedOriginalOffset = 16;
    private const int EnhancedFixedSize = 20;

    // Obsolete Packet Block: 16-bit interface id and drop count, then as the Enhanced Packet Block.
    private const int ObsoleteInterfaceOffset = 0;

    // Simple Packet Block: original length only.
    private const int SimpleOriginalOffset = 0;
    private const int SimpleFixedSize = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static CapturedPacket ReadEnhanced(ReadOnlySpan<byte> body, bool bigEndian, long offset, PcapNgReader reader)
    {
        if (body.Length < EnhancedFixedSize)
            ThrowTooShort(PcapNgBlockHeader.EnhancedPacketType, offset);
        var id = PcapNgBlockHeader.Read32(body[EnhancedInterfaceOffset..], bigEndian);
        return Timestamped(body, bigEndian, offset, reader, id, PcapNgBlockHeader.EnhancedPacketType);
    }

    public static CapturedPacket ReadObsolete(ReadOnlySpan<byte> body, bool bigEndian, long offset, PcapNgReader reader)
    {
        if (body.Length < EnhancedFixedSize)
            ThrowTooShort(PcapNgBlockHeader.PacketType, offset);
        var id = PcapNgBlockHeader.Read16(body[ObsoleteInterfaceOffset..], bigEndian);
        return Timestamped(body, bigEndian, offset, reader, id, PcapNgBlockHeader.PacketType);
    }

    public static CapturedPacket ReadSimple(ReadOnlySpan<byte> body, bool bigEndian, long offset, PcapNgReader reader)
    {
        if (body.Length < SimpleFixedSize)
            ThrowTooShort(PcapNgBlockHeader.SimplePacketType, offset);
        // The block has no interface id: its packets come from the first interface of the section,
        // and its captured length is the original length cut to that interface's snapshot length.
        var original = PcapNgBlockHeader.Read32(body[SimpleOriginalOffset..], bigEndian);
        var description = reader.InterfaceFor(0, offset);
        var captured = Math.Min(original, (uint)description.Snaplen);
        var data = Data(body, SimpleFixedSize, captured, PcapNgBlockHeader.SimplePacketType, offset);
        return new CapturedPacket(data, original, 0, description.LinkType, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static CapturedPacket Timestamped(ReadOnlySpan<byte> body, bool bigEndian, long offset, PcapNgReader reader, uint id, uint type)
    {
        var captured = PcapNgBlockHeader.Read32(body[EnhancedCapturedOffset..], bigEndian);
        var original = PcapNgBlockHeader.Read32(body[EnhancedOriginalOffset..], bigEndian);
        var raw = (ulong)PcapNgBlockHeader.Read32(body[TimestampHighOffset..], bigEndian) << 32
            | PcapNgBlockHeader.Read32(body[TimestampLowOffset..], bigEndian);
        var description = reader.InterfaceFor(id, offset);
        if (captured > (uint)description.Snaplen)
            CaptureFileError.Throw(offset, $"invalid packet capture length {captured}, bigger than snaplen of {description.Snaplen}");
        var data = Data(body, EnhancedFixedSize, captured, type, offset);
        return new CapturedPacket(data, original, description.ToNanoseconds(raw), description.LinkType, (int)id);
    }

    private static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> body, int start, uint captured, uint type, long offset)
    {
        if (captured > (uint)(body.Length - start))
            ThrowTooShort(type, offset);
        return body.Slice(start, (int)captured);
    }

    private static void ThrowTooShort(uint type, long offset) =>
        CaptureFileError.Throw(offset, $"block of type {type} is too short");
}
