using System.Reflection;
using System.Runtime.InteropServices;
using Bpf.Jit;

namespace Bpf.Cli;

/// <summary>
/// The system libpcap's C <c>bpf_filter</c>, for <c>bpf bench --engine libpcap</c>: the yardstick the
/// managed engines are measured against in the same run.
/// </summary>
internal static unsafe class NativeFilter
{
    private const string Lib = "pcap";

    static NativeFilter()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeFilter).Assembly, Resolve);
        try
        {
            Instruction ret = new(Opcodes.Ret | Opcodes.K, 0, 0, 1);
            byte b = 0;
            IsAvailable = bpf_filter(&ret, &b, 1, 1) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            IsAvailable = false;
        }
    }

    /// <summary>Whether the system libpcap could be loaded.</summary>
    public static bool IsAvailable { get; }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib)
            return IntPtr.Zero;
        foreach (var candidate in new[] { "libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "wpcap", "libpcap.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var handle))
                return handle;
        return IntPtr.Zero;
    }

    [DllImport(Lib)]
    private static extern uint bpf_filter(Instruction* pc, byte* p, uint wirelen, uint buflen);

    /// <summary>A filter delegate running <paramref name="program"/> with libpcap's <c>bpf_filter</c>.</summary>
    /// <exception cref="InputException">libpcap is not installed.</exception>
    public static BpfFilterDelegate Create(BpfProgram program)
    {
        if (!IsAvailable)
            throw new InputException("the libpcap engine needs the system libpcap (libpcap.so), which is not installed");
        // Pinned for the delegate's lifetime: bpf_filter reads the instructions on every call.
        var instructions = GC.AllocateArray<Instruction>(program.Count, pinned: true);
        program.AsSpan().CopyTo(instructions);
        return (packet, wireLength) =>
        {
            fixed (byte* p = packet)
            {
                byte empty = 0;
                fixed (Instruction* pc = instructions)
                    return bpf_filter(pc, p == null ? &empty : p, wireLength, (uint)packet.Length);
            }
        };
    }
}
