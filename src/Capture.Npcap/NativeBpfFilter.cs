using Bpf.Vm;
using Capture.Npcap.Native;

namespace Capture.Npcap;

/// <summary>
/// The system libpcap's C <c>bpf_filter</c> as a filter delegate: the yardstick our engines are
/// measured against in the same run (<c>bpf bench --engine libpcap</c>).
/// </summary>
public static unsafe class NativeBpfFilter
{
    private static readonly Lazy<bool> s_available = new(Probe);

    /// <summary>Whether the system libpcap could be loaded.</summary>
    public static bool IsAvailable => s_available.Value;

    private static bool Probe()
    {
        try
        {
            var accept = new Instruction(Opcodes.Ret | Opcodes.K, 0, 0, 1);
            byte b = 0;
            return PcapNative.bpf_filter(&accept, &b, 1, 1) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

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
                return PcapNative.bpf_filter(pc, p == null ? &empty : p, wireLength, (uint)packet.Length);
        };
    }
}
