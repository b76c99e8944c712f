using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bpf;

/// <summary>
/// The one definition of every semantic corner case of classic BPF, as libpcap's
/// <c>bpf_filter</c> implements them. The interpreter calls these; the JIT emits calls to them
/// (or inlines exactly the same rule), so the engines cannot drift apart.
/// </summary>
public static class BpfSemantics
{
    /// <summary>The value a program returns when a load falls outside the captured bytes.</summary>
    public const uint OutOfBoundsResult = 0;

    /// <summary>The value a program returns on division or modulo by an X of zero.</summary>
    public const uint DivisionByZeroResult = 0;

    /// <summary>Reads a big-endian 32-bit word at <paramref name="offset"/>; false when any byte is past the span.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryLoadWord(ReadOnlySpan<byte> packet, uint offset, out uint value)
    {
        if (offset > (uint)packet.Length || (uint)packet.Length - offset < 4)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(packet[(int)offset..]);
        return true;
    }

    /// <summary>Reads a big-endian 16-bit half word at <paramref name="offset"/>; false when out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryLoadHalf(ReadOnlySpan<byte> packet, uint offset, out uint value)
    {
        if (offset > (uint)packet.Length || (uint)packet.Length - offset < 2)
        {
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt16BigEndian(packet[(int)offset..]);
        return true;
    }

    /// <summary>Reads the byte at <paramref name="offset"/>; false when out of bounds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryLoadByte(ReadOnlySpan<byte> packet, uint offset, out uint value)
    {
        if (offset >= (uint)packet.Length)
        {
            value = 0;
            return false;
        }
        value = packet[(int)offset];
        return true;
    }

    /// <summary>
    /// The offset of an indexed load, <c>X + k</c>. libpcap checks <c>k &gt; buflen || X &gt; buflen - k</c>
    /// before adding, so a sum that wraps past 2^32 is out of bounds; false in that case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryIndexedOffset(uint x, uint k, out uint offset)
    {
        offset = unchecked(x + k);
        return offset >= k;
    }

    /// <summary><c>A &lt;&lt; n</c>, 0 when n &gt;= 32 (C# would mask n to 5 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftLeft(uint a, uint n) => n < 32 ? a << (int)n : 0;

    /// <summary><c>A &gt;&gt; n</c>, 0 when n &gt;= 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftRight(uint a, uint n) => n < 32 ? a >> (int)n : 0;

    /// <summary>The IPv4 header length load: <c>4 * (b &amp; 0xf)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint HeaderLength(uint b) => (b & 0xf) << 2;
}
