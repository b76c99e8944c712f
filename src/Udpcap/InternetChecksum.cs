using System.Buffers.Binary;

namespace Udpcap;

/// <summary>The one's-complement Internet checksum (RFC 1071), summed 32 bits at a time.</summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/>, as big-endian 16-bit words (an odd last byte padded with zero), to <paramref name="sum"/>.</summary>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        // 2^16 is 1 modulo 65535, so big-endian 32-bit words sum to the same folded value as their halves.
        while (data.Length >= 8)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(data);
            sum += (word >> 32) + (word & 0xFFFF_FFFF);
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            sum += BinaryPrimitives.ReadUInt32BigEndian(data);
            data = data[4..];
        }
        if (data.Length >= 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data);
            data = data[2..];
        }
        if (data.Length == 1)
            sum += (uint)data[0] << 8;
        return sum;
    }

    /// <summary>Folds a running sum to 16 bits (not complemented).</summary>
    public static ushort Fold(ulong sum)
    {
        while ((sum >> 16) != 0)
            sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The UDP pseudo-header sum (RFC 768): source, destination, protocol 17, UDP length.</summary>
    public static ulong PseudoHeader(uint source, uint destination, int udpLength) =>
        (ulong)source + destination + 17 + (uint)udpLength;

    /// <summary>The checksum to store in a header: the complement of the folded sum.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, ulong sum = 0) => (ushort)~Fold(Add(data, sum));
}
