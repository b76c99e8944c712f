namespace Udpcap;

/// <summary>The one-line text form of a datagram that <c>bpf udp-recv</c> prints.</summary>
public static class DatagramLine
{
    /// <summary>
    /// Formats <c>SRC_IP:SRC_PORT -&gt; DST_IP:DST_PORT LENGTH HEXPAYLOAD</c>, the length in decimal and
    /// the payload as lowercase hex without separators (empty for an empty datagram).
    /// </summary>
    /// <param name="result">A received datagram.</param>
    /// <param name="payload">Its bytes, as received.</param>
    /// <exception cref="ArgumentException"><paramref name="result"/> is not a received datagram, or it was truncated.</exception>
    public static string Format(in ReceiveResult result, ReadOnlySpan<byte> payload)
    {
        if (!result.IsReceived)
            throw new ArgumentException($"no datagram to format ({result.Status})", nameof(result));
        if (result.Truncated)
            throw new ArgumentException($"the datagram was truncated ({result.DatagramLength} bytes, {result.Length} received)", nameof(result));
        return Format(result.Source, result.Destination, payload[..result.Length]);
    }

    /// <summary>Formats a datagram's endpoints and payload as <see cref="Format(in ReceiveResult, ReadOnlySpan{byte})"/> does.</summary>
    public static string Format(Ipv4EndPoint source, Ipv4EndPoint destination, ReadOnlySpan<byte> payload) =>
        $"{source} -> {destination} {payload.Length} {Convert.ToHexStringLower(payload)}";
}
