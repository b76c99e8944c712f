using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Benchmarks;

/// <summary>
/// All benchmark packets back to back in one pinned array, so every engine reads the same memory
/// and libpcap's C code can take a plain pointer without pinning per call.
/// </summary>
internal sealed unsafe class PacketBuffer
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;
    private readonly int[] _lengths;

    public PacketBuffer(byte[][] packets, uint[] wireLengths)
    {
        WireLengths = wireLengths;
        _offsets = new int[packets.Length];
        _lengths = new int[packets.Length];
        _bytes = GC.AllocateUninitializedArray<byte>(packets.Sum(p => p.Length), pinned: true);
        var at = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            packets[i].CopyTo(_bytes, at);
            _offsets[i] = at;
            _lengths[i] = packets[i].Length;
            at += packets[i].Length;
        }
    }

    public int Count => _offsets.Length;

    public uint[] WireLengths { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Packet(int i) => new(_bytes, _offsets[i], _lengths[i]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Pointer(int i) => (byte*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bytes), _offsets[i]));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Length(int i) => (uint)_lengths[i];
}
