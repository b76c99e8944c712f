namespace Bpf.Vm.Capture;

/// <summary>
/// A capability of packet sources that read many packets per call (libpcap's <c>pcap_dispatch</c> over a
/// capture ring, a capture file's read buffer): consumers such as the UDP stack test for this interface, not
/// for a backend's class, and then filter, decode or write per batch instead of per packet.
/// </summary>
public interface IPacketBatchSource
{
    /// <summary>Creates an empty batch this source can read into; reuse it for every read on one thread.</summary>
    IPacketBatch CreateBatch();

    /// <summary>
    /// Empties <paramref name="batch"/> and fills it with the next packets: everything a live source has ready
    /// (waiting up to its read timeout), or a file source's next read buffer. The packets' bytes stay valid
    /// until the next read into the same batch.
    /// </summary>
    /// <param name="batch">A batch from this source's <see cref="CreateBatch"/>.</param>
    /// <returns><see cref="PacketReadStatus.Packet"/> with at least one packet, <see cref="PacketReadStatus.Timeout"/>
    /// (live sources only) or <see cref="PacketReadStatus.End"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="batch"/> was not created by this source.</exception>
    /// <exception cref="InvalidDataException">A file source met malformed data (after handing out the packets before it).</exception>
    /// <exception cref="IOException">The source cannot be read.</exception>
    PacketReadStatus ReadBatch(IPacketBatch batch);
}

/// <summary>
/// The packets of one <see cref="IPacketBatchSource.ReadBatch"/>, in capture order, in the shape the engines
/// filter (<see cref="Slices"/>, a <see cref="BpfBatchFilter"/>'s input). Reading a batch allocates nothing.
/// </summary>
public interface IPacketBatch
{
    /// <summary>The number of packets.</summary>
    int Count { get; }

    /// <summary>The packets' bytes and wire lengths, valid until the next read into this batch.</summary>
    ReadOnlySpan<PacketSlice> Slices { get; }

    /// <summary>The packet at <paramref name="index"/>, with its time stamp and link type.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    CapturedPacket this[int index] { get; }

    /// <summary>The link type of the packet at <paramref name="index"/> (pcapng interfaces may differ).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    LinkType LinkTypeAt(int index);

    /// <summary>The capture time of the packet at <paramref name="index"/>, in nanoseconds since the Unix epoch.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="Count"/>.</exception>
    long TimestampAt(int index);

    /// <summary>How many packets from <paramref name="start"/> on share its link type (at least 1): what one compiled filter takes in one call.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is not below <see cref="Count"/>.</exception>
    int LinkTypeRun(int start);
}
