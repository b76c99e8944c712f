using System.Buffers.Binary;
using Bpf.Vm;

namespace Udpcap;

/// <summary>Finds the IPv4 header inside a captured frame, one small rule per link-type family.</summary>
internal static class LinkFraming
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeVlan = 0x8100;   // IEEE 802.1Q
    private const ushort EtherTypeQinQ = 0x88A8;   // IEEE 802.1ad
    private const ushort EtherTypeQinQOld = 0x9100; // pre-standard stacked tags
    private const int EthernetHeader = 14;
    private const int VlanTag = 4;
    private const int MaxVlanTags = 4;
    private const int SllHeader = 16;              // LINKTYPE_LINUX_SLL: protocol at 14
    private const int Sll2Header = 20;             // LINKTYPE_LINUX_SLL2: protocol at 0
    private const int NullHeader = 4;              // BSD loopback family word
    private const uint AfInet = 2;

    /// <summary>The outcome of locating the network header.</summary>
    public enum Result
    {
        Ipv4,
        NotIpv4,
        Malformed,
    }

    /// <summary>Returns where the IPv4 header starts in <paramref name="frame"/>, if the frame carries IPv4.</summary>
    public static Result Locate(ReadOnlySpan<byte> frame, LinkType linkType, out int offset)
    {
        offset = 0;
        switch (linkType)
        {
            case LinkType.EN10MB:
                return Ethernet(frame, out offset);
            case LinkType.LINUX_SLL:
                offset = SllHeader;
                return frame.Length < SllHeader ? Result.Malformed
                    : BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) == EtherTypeIpv4 ? Result.Ipv4 : Result.NotIpv4;
            case LinkType.LINUX_SLL2:
                offset = Sll2Header;
                return frame.Length < Sll2Header ? Result.Malformed
                    : BinaryPrimitives.ReadUInt16BigEndian(frame) == EtherTypeIpv4 ? Result.Ipv4 : Result.NotIpv4;
            case LinkType.NULL:
            case LinkType.LOOP:
                offset = NullHeader;
                if (frame.Length < NullHeader)
                    return Result.Malformed;
                // DLT_NULL stores the family in the capturing host's byte order, DLT_LOOP in network
                // order; as libpcap's gencode does for NULL, accept either order.
                var family = BinaryPrimitives.ReadUInt32BigEndian(frame);
                return family == AfInet || (linkType == LinkType.NULL && BinaryPrimitives.ReverseEndianness(family) == AfInet)
                    ? Result.Ipv4 : Result.NotIpv4;
            case LinkType.RAW:
                // Raw IP carries IPv4 or IPv6; the version nibble tells which.
                return frame.Length == 0 ? Result.Malformed : (frame[0] >> 4) == 4 ? Result.Ipv4 : Result.NotIpv4;
            case LinkType.IPV4:
                return Result.Ipv4;
            default:
                return Result.NotIpv4;
        }
    }

    private static Result Ethernet(ReadOnlySpan<byte> frame, out int offset)
    {
        offset = EthernetHeader;
        if (frame.Length < EthernetHeader)
            return Result.Malformed;
        var type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        for (var tags = 0; type is EtherTypeVlan or EtherTypeQinQ or EtherTypeQinQOld; tags++)
        {
            if (tags == MaxVlanTags)
                return Result.NotIpv4;
            if (frame.Length < offset + VlanTag)
                return Result.Malformed;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(offset + 2)..]);
            offset += VlanTag;
        }
        return type == EtherTypeIpv4 ? Result.Ipv4 : Result.NotIpv4;
    }
}
