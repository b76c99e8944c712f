using System.Net;

namespace Udpcap;

/// <summary>
/// An IPv4 address and UDP port as plain values: the stack hands these out per datagram instead of
/// <see cref="IPEndPoint"/> so that receiving allocates nothing.
/// </summary>
/// <param name="Address">The address in host order (<c>192.0.2.1</c> is <c>0xC0000201</c>).</param>
/// <param name="Port">The UDP port.</param>
public readonly record struct Ipv4EndPoint(uint Address, ushort Port)
{
    /// <summary>Converts to an <see cref="IPEndPoint"/> (allocates).</summary>
    public IPEndPoint ToIPEndPoint() => new(ToIPAddress(Address), Port);

    /// <summary>Formats as <c>a.b.c.d:port</c>.</summary>
    public override string ToString() => $"{FormatAddress(Address)}:{Port}";

    /// <summary>Converts a host-order IPv4 address to an <see cref="IPAddress"/>.</summary>
    public static IPAddress ToIPAddress(uint address) =>
        new([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);

    /// <summary>Converts an IPv4 <see cref="IPAddress"/> to host order.</summary>
    /// <exception cref="ArgumentException"><paramref name="address"/> is not IPv4.</exception>
    public static uint FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw new ArgumentException($"{address} is not an IPv4 address (the stack is IPv4 only)", nameof(address));
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>Dotted-quad text of a host-order address.</summary>
    public static string FormatAddress(uint address) =>
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}";

    /// <summary>True for 224.0.0.0/4.</summary>
    public static bool IsMulticast(uint address) => (address >> 28) == 0xE;
}
