using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Bpf.Vm;

/// <summary>
/// One packet of a batch as the engines see it: <see cref="Length"/> captured bytes of
/// <see cref="Array"/> from <see cref="Offset"/>, and the packet's length on the wire. A batch is a
/// <c>ReadOnlySpan&lt;PacketSlice&gt;</c>: readers point slices into their own buffers, so handing a
/// batch to a filter copies no packet bytes.
/// </summary>
/// <remarks>
/// The constructor checks the slice lies inside the array, so engines read packet bytes without
/// further checks; <c>default(PacketSlice)</c> is an empty packet of wire length 0.
/// </remarks>
public readonly struct PacketSlice
{
    // Fields, not auto-properties: the batch JIT loads them directly (see Bpf.Jit's batch emitter).
    internal readonly byte[]? _array;
    internal readonly int _offset;
    internal readonly int _length;
    internal readonly uint _wireLength;

    /// <summary>A packet whose captured bytes are <paramref name="length"/> bytes of <paramref name="array"/> from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The bytes do not lie inside <paramref name="array"/>.</exception>
    public PacketSlice(byte[] array, int offset, int length, uint wireLength)
    {
        ArgumentNullException.ThrowIfNull(array);
        if ((uint)offset > (uint)array.Length || (uint)length > (uint)(array.Length - offset))
            throw new ArgumentOutOfRangeException(nameof(length), $"{length} bytes at {offset} do not lie inside an array of {array.Length}");
        _array = array;
        _offset = offset;
        _length = length;
        _wireLength = wireLength;
    }

    /// <summary>A whole array as the captured bytes of a packet <paramref name="wireLength"/> bytes long on the wire.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    public PacketSlice(byte[] array, uint wireLength)
        : this(array, 0, array?.Length ?? 0, wireLength)
    {
    }

    /// <summary>The array holding the captured bytes (null only for <c>default</c>).</summary>
    public byte[]? Array => _array;

    /// <summary>Where the captured bytes start in <see cref="Array"/>.</summary>
    public int Offset => _offset;

    /// <summary>How many bytes were captured (the caplen).</summary>
    public int Length => _length;

    /// <summary>The packet's length on the wire, what <c>ld #pktlen</c> loads.</summary>
    public uint WireLength => _wireLength;

    /// <summary>The captured bytes.</summary>
    public ReadOnlySpan<byte> Data
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _array is null ? default
            : MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset), _length);
    }

    /// <summary>
    /// A reference to the first captured byte, never dereferenced by an engine unless a bounds check
    /// against <see cref="Length"/> passed (a null reference for <c>default</c>, whose length is 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Start(in PacketSlice slice) => ref slice._array is null
        ? ref Unsafe.NullRef<byte>()
        : ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(slice._array), slice._offset);
}
