using System.Buffers.Binary;
using Bpf.Vm;

namespace Udpcap;

/// <summary>
/// The receive path from a captured frame to validated UDP datagrams: link framing, IPv4 header
/// checks, reassembly, UDP header and checksum. Unfragmented datagrams pass without copying or allocating.
/// </summary>
internal sealed class DatagramDecoder
{
    // RFC 791 3.1 header field offsets.
    private const int VersionIhl = 0;
    private const int TotalLength = 2;
    private const int Identification = 4;
    private const int FlagsFragment = 6;
    private const int Protocol = 9;
    private const int SourceAddress = 12;
    private const int DestinationAddress = 16;
    private const int MinHeader = 20;
    private const ushort MoreFragments = 0x2000;
    private const ushort OffsetMask = 0x1FFF;
    private const byte Udp = 17;
    private const int UdpHeader = 8;

    private readonly IDatagramSink _sink;
    private readonly DropCounters _counters;
    private readonly FragmentReassembler _reassembler;
    private readonly bool _verifyIp;
    private readonly UdpChecksumPolicy _udpChecksum;

    public DatagramDecoder(UdpcapOptions options, IDatagramSink sink, DropCounters counters)
    {
        options.Validate();
        _sink = sink;
        _counters = counters;
        _reassembler = new FragmentReassembler(options, counters);
        _verifyIp = options.VerifyIpChecksum;
        _udpChecksum = options.UdpChecksum;
    }

    public FragmentReassembler Reassembler => _reassembler;

    /// <summary>Decodes one captured frame, delivering the datagram it carries or completes.</summary>
    public void Process(ReadOnlySpan<byte> frame, uint wireLength, long timestamp, LinkType linkType)
    {
        _counters.Packet();
        _reassembler.Expire(timestamp);
        switch (LinkFraming.Locate(frame, linkType, out var offset))
        {
            case LinkFraming.Result.NotIpv4:
                _counters.Drop(DropReason.NotIpv4);
                return;
            case LinkFraming.Result.Malformed:
                _counters.Drop(frame.Length < wireLength ? DropReason.Truncated : DropReason.MalformedFrame);
                return;
        }
        ProcessIpv4(frame[offset..], frame.Length < wireLength, timestamp);
    }

    private void ProcessIpv4(ReadOnlySpan<byte> ip, bool cut, long timestamp)
    {
        if (ip.Length < MinHeader)
        {
            _counters.Drop(cut ? DropReason.Truncated : DropReason.BadIpHeader);
            return;
        }
        var headerLength = (ip[VersionIhl] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[TotalLength..]);
        if ((ip[VersionIhl] >> 4) != 4 || headerLength < MinHeader || totalLength < headerLength)
        {
            _counters.Drop(DropReason.BadIpHeader);
            return;
        }
        if (totalLength > ip.Length)
        {
            // Bytes missing: the snapshot length cut them, or the header lies about its length.
            _counters.Drop(cut ? DropReason.Truncated : DropReason.BadIpHeader);
            return;
        }
        ip = ip[..totalLength]; // drop link-layer padding (short Ethernet frames)
        if (_verifyIp && InternetChecksum.Fold(InternetChecksum.Add(ip[..headerLength])) != 0xFFFF)
        {
            _counters.Drop(DropReason.BadIpChecksum);
            return;
        }
        if (ip[Protocol] != Udp)
        {
            _counters.Drop(DropReason.NotUdp);
            return;
        }
        var source = BinaryPrimitives.ReadUInt32BigEndian(ip[SourceAddress..]);
        var destination = BinaryPrimitives.ReadUInt32BigEndian(ip[DestinationAddress..]);
        var fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[FlagsFragment..]);
        var payload = ip[headerLength..];
        if ((fragment & (MoreFragments | OffsetMask)) != 0)
        {
            var key = new FragmentKey(source, destination, BinaryPrimitives.ReadUInt16BigEndian(ip[Identification..]), Udp);
            if (!_reassembler.TryAdd(key, (fragment & OffsetMask) * 8, payload, (fragment & MoreFragments) != 0, timestamp, out payload))
                return;
            ProcessUdp(source, destination, payload, timestamp);
            _reassembler.ReleaseCompleted();
            return;
        }
        ProcessUdp(source, destination, payload, timestamp);
    }

    private void ProcessUdp(uint source, uint destination, ReadOnlySpan<byte> udp, long timestamp)
    {
        if (udp.Length < UdpHeader)
        {
            _counters.Drop(DropReason.BadUdpHeader);
            return;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        if (length < UdpHeader || length > udp.Length)
        {
            _counters.Drop(DropReason.BadUdpHeader);
            return;
        }
        udp = udp[..length];
        var checksum = BinaryPrimitives.ReadUInt16BigEndian(udp[6..]);
        if (checksum != 0 && _udpChecksum != UdpChecksumPolicy.Ignore && !ChecksumOk(source, destination, udp, checksum))
        {
            _counters.Drop(DropReason.BadUdpChecksum);
            return;
        }
        _sink.Deliver(new UdpDatagram(
            new Ipv4EndPoint(source, BinaryPrimitives.ReadUInt16BigEndian(udp)),
            new Ipv4EndPoint(destination, BinaryPrimitives.ReadUInt16BigEndian(udp[2..])),
            udp[UdpHeader..], timestamp));
    }

    private bool ChecksumOk(uint source, uint destination, ReadOnlySpan<byte> udp, ushort checksum)
    {
        var pseudo = InternetChecksum.PseudoHeader(source, destination, udp.Length);
        if (InternetChecksum.Fold(InternetChecksum.Add(udp, pseudo)) == 0xFFFF)
            return true;
        if (_udpChecksum != UdpChecksumPolicy.VerifyOrOffloadPending)
            return false;
        // Checksum offload pending: Linux stored the folded pseudo-header sum for the device to finish.
        var partial = InternetChecksum.Fold(pseudo);
        return checksum == partial || (partial == 0xFFFF && checksum == 0) || (partial == 0 && checksum == 0xFFFF);
    }
}
