namespace Udpcap;

/// <summary>How a receive ended.</summary>
public enum ReceiveStatus
{
    /// <summary>A datagram was received.</summary>
    Received,
    /// <summary>The timeout expired with no datagram.</summary>
    TimedOut,
    /// <summary>The capture ended (a file replay reached its end) and every datagram was received.</summary>
    EndOfCapture,
}

/// <summary>The outcome of one receive. Plain values: receiving allocates nothing.</summary>
/// <param name="Status">How the receive ended; the other members are meaningful for <see cref="ReceiveStatus.Received"/>.</param>
/// <param name="Length">Bytes written to the caller's buffer.</param>
/// <param name="DatagramLength">The datagram's payload length; above <paramref name="Length"/> when it did not fit.</param>
/// <param name="Source">The sender's address and port.</param>
/// <param name="Destination">The address and port it was sent to (a group for multicast).</param>
/// <param name="Timestamp">Capture time of the last packet of the datagram, nanoseconds since the Unix epoch.</param>
public readonly record struct ReceiveResult(ReceiveStatus Status, int Length, int DatagramLength, Ipv4EndPoint Source, Ipv4EndPoint Destination, long Timestamp)
{
    /// <summary>True when the datagram was larger than the buffer: only <see cref="Length"/> bytes were written, the rest is lost.</summary>
    public bool Truncated => DatagramLength > Length;

    /// <summary>True for <see cref="ReceiveStatus.Received"/>.</summary>
    public bool IsReceived => Status == ReceiveStatus.Received;
}
