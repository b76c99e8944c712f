using Bpf.Vm;
using Capture.Npcap;
using Interop.Libpcap;

namespace Bpf.Cli.Bench;

/// <summary>
/// The system libpcap's C <c>bpf_filter</c> as a filter delegate: the yardstick our engines are
/// measured against in the same run (<c>bpf bench --engine libpcap</c>); bench is its only user.
/// </summary>
internal static unsafe class NativeBpfFilter
{
    /// <summary>Whether the system libpcap could be loaded.</summary>
    public static bool IsAvailable => LibpcapLibrary.IsAvailable;

    /// <summary>
    /// A delegate running <paramref name="runnable"/> with libpcap's <c>bpf_filter</c>, which trusts its
    /// input: it is given only programs checked to be runnable (an unknown opcode would crash it).
    /// </summary>
    /// <exception cref="LiveCaptureException"><see cref="LiveCaptureError.LibpcapMissing"/>: libpcap is not installed.</exception>
    public static BpfFilterDelegate Create(RunnableProgram runnable)
    {
        ArgumentNullException.ThrowIfNull(runnable);
        var program = runnable.Program;
        if (!IsAvailable)
            throw new LiveCaptureException(LiveCaptureError.LibpcapMissing, "the libpcap engine needs the system libpcap, which is not installed");
        // Pinned for the delegate's lifetime: bpf_filter reads the instructions on every call.
        var instructions = GC.AllocateArray<Instruction>(program.Count, pinned: true);
        program.AsSpan().CopyTo(instructions);
        return (packet, wireLength) =>
        {
            byte empty = 0;
            fixed (byte* p = packet)
            fixed (Instruction* pc = instructions)
                return LibpcapNative.bpf_filter(pc, p == null ? &empty : p, wireLength, (uint)packet.Length);
        };
    }
}
