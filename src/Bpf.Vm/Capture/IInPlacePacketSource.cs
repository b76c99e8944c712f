namespace Bpf.Vm.Capture;

/// <summary>
/// A capability of live sources: one read hands every packet the driver has ready to a consumer while its bytes
/// are still in the capture ring (libpcap's <c>pcap_dispatch</c> callback, pointing into the TPACKET_V3 block),
/// so nothing is copied out first. The batch shape (<see cref="IPacketBatchSource"/>) cannot do that: its
/// <see cref="PacketSlice"/>s are managed arrays, and libpcap hands each ring block back to the kernel inside the
/// same dispatch once its last packet was seen, so no batch may keep pointers into the ring. Consumers that look
/// at packets one at a time (the UDP stack's decoder, a writer) read in place; a filter over a whole batch needs
/// the batch.
/// </summary>
public interface IInPlacePacketSource
{
    /// <summary>
    /// Waits up to the read timeout for packets and hands each one the driver has ready to
    /// <paramref name="consumer"/>, in order, on this thread; the packet's bytes are valid only during the call.
    /// </summary>
    /// <returns><see cref="PacketReadStatus.Packet"/> when at least one packet was consumed, <see cref="PacketReadStatus.Timeout"/>,
    /// or <see cref="PacketReadStatus.End"/> once the source is closed.</returns>
    /// <exception cref="IOException">The source cannot be read; also what <paramref name="consumer"/> threw, rethrown after the read stopped.</exception>
    PacketReadStatus ReadInPlace(IPacketConsumer consumer);
}

/// <summary>Takes packets from an <see cref="IInPlacePacketSource"/>, one call per packet, inside the source's read.</summary>
public interface IPacketConsumer
{
    /// <summary>Takes one packet; its bytes are valid only during this call.</summary>
    /// <returns>True to go on; false to end the read after this packet (the rest stay in the source for the next read).</returns>
    bool Consume(in CapturedPacket packet);
}
