namespace Bpf.Vm.Capture;

/// <summary>
/// What one read from an <see cref="IPacketSource"/> produced. Live sources need the distinction
/// between "nothing yet" and "no more"; file sources only ever report <see cref="Packet"/> or <see cref="End"/>.
/// </summary>
public enum PacketReadStatus
{
    /// <summary>A packet was read.</summary>
    Packet,
    /// <summary>A live source's read timeout expired without a packet; reading again may yield one.</summary>
    Timeout,
    /// <summary>End of the source: end of file, or a live source that was closed.</summary>
    End,
}
