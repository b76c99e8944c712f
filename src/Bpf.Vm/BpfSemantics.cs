using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Bpf.Vm;

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
    /// The big-endian word at <paramref name="offset"/> from <paramref name="data"/>, for engines that
    /// have already checked the bytes lie inside the packet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadWord(ref byte data, uint offset)
    {
        var raw = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref data, (nuint)offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    /// <summary>The big-endian half word at <paramref name="offset"/> (checked by the caller).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ReadHalf(ref byte data, uint offset)
    {
        var raw = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref data, (nuint)offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    /// <summary>
    /// Whether an indexed load of <paramref name="size"/> bytes at <c>X + k</c> lies inside
    /// <paramref name="length"/> captured bytes: libpcap's <c>k &gt; buflen || X &gt; buflen - k</c>
    /// and size checks, in 64 bits so <c>X + k</c> cannot wrap into range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool FitsIndexed(uint x, uint k, uint size, uint length) => (ulong)x + k + size <= length;

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

    /// <summary>
    /// <c>A &lt;&lt; k</c> for a constant k, as libpcap computes it: <c>A &lt;&lt;= pc-&gt;k</c> is undefined in C
    /// for k &gt;= 32, and the x86-64 and arm64 builds of libpcap use the hardware shift, which takes k
    /// modulo 32 (measured: <c>3 &lt;&lt; 33</c> gives 6). C#'s <c>&lt;&lt;</c> masks the same way.
    /// The kernel rejects such constants at validation instead.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftLeftByConstant(uint a, uint k) => a << (int)(k & 31);

    /// <summary><c>A &gt;&gt; k</c> for a constant k, k taken modulo 32 like libpcap's builds (see <see cref="ShiftLeftByConstant"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint ShiftRightByConstant(uint a, uint k) => a >> (int)(k & 31);

    /// <summary><c>A / divisor</c>; false when the divisor is 0 (the program then returns <see cref="DivisionByZeroResult"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryDivide(uint a, uint divisor, out uint quotient)
    {
        if (divisor == 0)
        {
            quotient = 0;
            return false;
        }
        quotient = a / divisor;
        return true;
    }

    /// <summary><c>A % divisor</c>; false when the divisor is 0 (the program then returns <see cref="DivisionByZeroResult"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryModulo(uint a, uint divisor, out uint remainder)
    {
        if (divisor == 0)
        {
            remainder = 0;
            return false;
        }
        remainder = a % divisor;
        return true;
    }

    /// <summary>
    /// How many backward jumps one run may take. libpcap's validator lets <c>ja</c> offsets wrap to
    /// earlier instructions (protochain's loop, which ends by running off the packet); a program that
    /// loops without progress would hang libpcap forever, so engines stop after this many and return
    /// <see cref="LoopLimitResult"/>. A real loop (protochain: one iteration per IPv6 extension or AH
    /// header, each at least 8 bytes) takes at most caplen / 8 jumps, 32768 for the largest snapshot
    /// length libpcap writes (262144); twice that bounds a runaway loop to about a millisecond per packet
    /// (it was 2^24, a quarter of a second per packet: a file took hours).
    /// </summary>
    public const int MaxBackwardJumps = 1 << 16;

    /// <summary>The value a program returns when it exceeds <see cref="MaxBackwardJumps"/>.</summary>
    public const uint LoopLimitResult = 0;
}
