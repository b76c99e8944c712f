using System.Runtime.CompilerServices;

namespace Bpf.Vm;

/// <summary>The 16 scratch cells <c>M[0..15]</c> as a fixed-size value, so a run keeps them on the stack.</summary>
[InlineArray(Opcodes.MemWords)]
internal struct ScratchMemory
{
    private uint _cell;
}
