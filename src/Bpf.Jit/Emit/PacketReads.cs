using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>What the emitted prologue calls to reach the packet's bytes without copying.</summary>
internal static class PacketReads
{
    /// <summary>A reference to the first captured byte (never dereferenced for an empty packet).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref byte Start(ReadOnlySpan<byte> packet) => ref MemoryMarshal.GetReference(packet);
}
