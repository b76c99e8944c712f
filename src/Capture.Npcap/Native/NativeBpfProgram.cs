using System.Runtime.InteropServices;
using Bpf.Vm;
using Interop.Libpcap;

namespace Capture.Npcap.Native;

/// <summary>
/// Our instructions in native memory as a <c>struct bpf_program</c>. <see cref="Instruction"/> is laid
/// out exactly like <c>struct bpf_insn</c> (8 bytes), so the copy is a plain block copy. libpcap copies
/// the program in <c>pcap_setfilter</c>, so this only lives for the duration of that call.
/// </summary>
internal sealed unsafe class NativeBpfProgram : IDisposable
{
    private BpfProgramNative _native;

    public NativeBpfProgram(ReadOnlySpan<Instruction> instructions)
    {
        if (sizeof(Instruction) != 8)
            throw new PlatformNotSupportedException("Instruction is not laid out like struct bpf_insn");
        var bytes = (nuint)(instructions.Length * sizeof(Instruction));
        // Never allocate zero bytes: a null pointer would read as "no program" to the driver.
        var memory = NativeMemory.Alloc(bytes == 0 ? 1 : bytes);
        instructions.CopyTo(new Span<Instruction>(memory, instructions.Length));
        _native = new BpfProgramNative { Length = (uint)instructions.Length, Instructions = (Instruction*)memory };
    }

    /// <summary>Installs the program on <paramref name="handle"/>; returns libpcap's result (0 = success).</summary>
    public int SetOn(SafeHandle handle)
    {
        ObjectDisposedException.ThrowIf(_native.Instructions == null, this);
        fixed (BpfProgramNative* program = &_native)
            return LibpcapNative.pcap_setfilter(handle, program);
    }

    public void Dispose()
    {
        if (_native.Instructions == null)
            return;
        NativeMemory.Free(_native.Instructions);
        _native.Instructions = null;
    }
}
