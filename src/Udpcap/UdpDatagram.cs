namespace Udpcap;

/// <summary>One received UDP datagram as the stack hands it to the demultiplexer (payload valid during the call).</summary>
internal readonly ref struct UdpDatagram(Ipv4EndPoint source, Ipv4EndPoint destination, ReadOnlySpan<byte> payload, long timestamp)
{
    public Ipv4EndPoint Source { get; } = source;
    public Ipv4EndPoint Destination { get; } = destination;
    public ReadOnlySpan<byte> Payload { get; } = payload;
    public long Timestamp { get; } = timestamp;
}

/// <summary>Where the decoder delivers complete, validated datagrams.</summary>
internal interface IDatagramSink
{
    void Deliver(in UdpDatagram datagram);
}
