using System.Diagnostics.CodeAnalysis;
using Bpf;
using Bpf.Jit;

namespace Capture.Npcap;

/// <summary>
/// Runs a program in managed code when the kernel or driver will not: the one place that picks the
/// managed engine, so swapping it touches nothing else.
/// </summary>
internal static class ManagedFilter
{
    /// <summary>Compiles <paramref name="program"/> for filtering packets in this process.</summary>
    /// <exception cref="ArgumentException">The program is not valid.</exception>
    /// <exception cref="LiveCaptureException">No managed engine can run here (dynamic code unavailable).</exception>
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "guarded by BpfJit.IsSupported")]
    public static BpfFilterDelegate Compile(BpfProgram program)
    {
        if (!BpfJit.IsSupported)
            throw new LiveCaptureException(LiveCaptureError.NotSupported, "the driver refused the filter and this runtime cannot run the BPF JIT (no dynamic code)");
        return BpfJit.Compile(program);
    }
}
