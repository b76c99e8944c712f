namespace Udpcap;

/// <summary>
/// Delivers each datagram of one capture to every socket bound to its destination, so any number of
/// sockets share one capture. Reads an immutable binding array, swapped whole on every change.
/// </summary>
internal sealed class Demultiplexer(DropCounters counters, uint[] ownAddresses) : IDatagramSink
{
    private SocketBinding[] _bindings = [];

    public SocketBinding[] Bindings
    {
        get => Volatile.Read(ref _bindings);
        set => Volatile.Write(ref _bindings, value);
    }

    public void Deliver(in UdpDatagram datagram)
    {
        var matched = false;
        var destination = datagram.Destination.Address;
        foreach (var binding in Volatile.Read(ref _bindings))
        {
            if (binding.Port != datagram.Destination.Port || !binding.Accepts(destination))
                continue;
            matched = true;
            if (!binding.MulticastLoopback && Ipv4EndPoint.IsMulticast(destination) && IsOwn(datagram.Source.Address))
                counters.Drop(DropReason.MulticastLoopback);
            else if (binding.Queue.Enqueue(datagram, DatagramQueue.RoomWaitMilliseconds))
                counters.Delivered();
            else
                counters.Drop(DropReason.ReceiveBufferFull);
        }
        if (!matched)
            counters.Drop(DropReason.NoReceiver);
    }

    /// <summary>True for 127.0.0.0/8 and the host's own addresses.</summary>
    public bool IsOwn(uint address)
    {
        if ((address >> 24) == 127)
            return true;
        foreach (var own in ownAddresses)
            if (own == address)
                return true;
        return false;
    }
}
