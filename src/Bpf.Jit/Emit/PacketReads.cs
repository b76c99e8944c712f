using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bpf.Jit.Emit;

/// <summary>
/// The raw reads the emitted code calls after a hoisted bounds check has proved them in bounds.
/// Tiny and aggressively inlined, so the JIT turns each into one load plus a byte swap.
/// </summary>
internal static class PacketReads
{
    /// <summary>A reference to the first captured byte (never dereferenced for an empty packet).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Start(ReadOnlySpan<byte> packet) => ref MemoryMarshal.GetReference(packet);

    /// <summary>The big-endian 32-bit word at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Word(ref byte at)
    {
        var raw = Unsafe.ReadUnaligned<uint>(ref at);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }

    /// <summary>The big-endian 16-bit half word at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Half(ref byte at)
    {
        var raw = Unsafe.ReadUnaligned<ushort>(ref at);
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(raw) : raw;
    }
}
