namespace Bpf.Vm.Capture;

/// <summary>
/// One captured packet as a source hands it out. The bytes are only valid until the next call
/// on the source that produced it (they usually point into the source's buffer).
/// </summary>
/// <param name="Data">The captured bytes (at most the snapshot length).</param>
/// <param name="WireLength">The packet's length on the wire (<c>#pktlen</c> in BPF).</param>
/// <param name="Timestamp">Capture time in nanoseconds since the Unix epoch.</param>
/// <param name="LinkType">The packet's link type (pcapng interfaces may differ).</param>
/// <param name="InterfaceIndex">The interface it came from (0 for pcap files and single devices).</param>
public readonly ref struct CapturedPacket(ReadOnlySpan<byte> Data, uint WireLength, long Timestamp, LinkType LinkType, int InterfaceIndex = 0)
{
    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data { get; } = Data;

    /// <summary>The length on the wire.</summary>
    public uint WireLength { get; } = WireLength;

    /// <summary>Nanoseconds since the Unix epoch.</summary>
    public long Timestamp { get; } = Timestamp;

    /// <summary>The packet's link type.</summary>
    public LinkType LinkType { get; } = LinkType;

    /// <summary>The interface index within the source.</summary>
    public int InterfaceIndex { get; } = InterfaceIndex;
}

/// <summary>
/// A forward-only source of captured packets shared by the file backend, the live backend and
/// the UDP stack, none of which depends on another. Implementations allocate nothing per packet.
/// </summary>
public interface IPacketSource : IDisposable
{
    /// <summary>The link type of the source (of its first interface for multi-interface files).</summary>
    LinkType LinkType { get; }

    /// <summary>The snapshot length of the source.</summary>
    int Snaplen { get; }

    /// <summary>
    /// Returns the next packet, or false at the end of the source (end of file, or a live source
    /// that was closed or whose read timeout expired without a packet).
    /// </summary>
    /// <exception cref="InvalidDataException">A file source met malformed data.</exception>
    bool TryReadPacket(out CapturedPacket packet);

    /// <summary>
    /// Like <see cref="TryReadPacket"/>, but tells a live source's read timeout
    /// (<see cref="PacketReadStatus.Timeout"/>) from its end (<see cref="PacketReadStatus.End"/>).
    /// Sources without timeouts need not override it.
    /// </summary>
    /// <exception cref="InvalidDataException">A file source met malformed data.</exception>
    PacketReadStatus ReadPacket(out CapturedPacket packet) =>
        TryReadPacket(out packet) ? PacketReadStatus.Packet : PacketReadStatus.End;
}
