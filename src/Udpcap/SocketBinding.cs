namespace Udpcap;

/// <summary>An immutable snapshot of what one bound socket receives, read lock-free by the pump thread.</summary>
/// <param name="Address">The bound address in host order; 0 for any.</param>
/// <param name="Port">The bound port.</param>
/// <param name="Groups">Joined multicast groups, host order.</param>
/// <param name="MulticastLoopback">Whether multicast sent by this host is received.</param>
/// <param name="Queue">Where its datagrams go.</param>
internal sealed record SocketBinding(uint Address, ushort Port, uint[] Groups, bool MulticastLoopback, DatagramQueue Queue)
{
    /// <summary>True when a datagram to <paramref name="destination"/> (already known to match the port) is for this socket.</summary>
    public bool Accepts(uint destination)
    {
        if (!Ipv4EndPoint.IsMulticast(destination))
            return Address == 0 || Address == destination;
        // As Linux: multicast reaches sockets bound to any or to the group itself, and only after a join.
        if (Address != 0 && Address != destination)
            return false;
        foreach (var group in Groups)
            if (group == destination)
                return true;
        return false;
    }
}
