using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Vm.Tests.Oracles;

/// <summary>
/// The running Linux kernel's classic BPF checker, reached by attaching the program to a UDP socket
/// with <c>SO_ATTACH_FILTER</c>: <c>EINVAL</c> means <c>bpf_check_classic</c> (or its basics check) refused it.
/// </summary>
internal static unsafe class KernelFilter
{
    private const int AfInet = 2, SockDgram = 2, SolSocket = 1, SoAttachFilter = 26, EInval = 22;

    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Length;
        public Instruction* Filter;
    }

    [DllImport("libc", SetLastError = true)] private static extern int socket(int domain, int type, int protocol);
    [DllImport("libc", SetLastError = true)] private static extern int setsockopt(int fd, int level, int name, void* value, uint length);
    [DllImport("libc")] private static extern int close(int fd);

    /// <summary>Why the kernel cannot be asked, or null when it can.</summary>
    public static string? UnavailableReason => s_unavailableReason.Value;

    private static readonly Lazy<string?> s_unavailableReason = new(Probe);

    // A sandbox may forbid sockets; then the kernel cannot be asked and its tests are skipped.
    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "SO_ATTACH_FILTER needs Linux";
        try
        {
            return Accepts([new Instruction(Opcodes.Ret | Opcodes.K, 0, 0, 0)]) ? null : "the kernel refuses even 'ret #0'";
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException)
        {
            return $"cannot attach socket filters here: {e.Message}";
        }
    }

    /// <summary>True when the kernel accepts the program; throws on failures other than EINVAL.</summary>
    public static bool Accepts(ReadOnlySpan<Instruction> program)
    {
        var fd = socket(AfInet, SockDgram, 0);
        if (fd < 0)
            throw new InvalidOperationException($"socket failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            fixed (Instruction* insns = program)
            {
                byte dummy = 0;
                var fprog = new SockFprog { Length = checked((ushort)program.Length), Filter = insns == null ? (Instruction*)&dummy : insns };
                if (setsockopt(fd, SolSocket, SoAttachFilter, &fprog, (uint)sizeof(SockFprog)) == 0)
                    return true;
                var errno = Marshal.GetLastPInvokeError();
                return errno == EInval ? false : throw new InvalidOperationException($"SO_ATTACH_FILTER failed: errno {errno}");
            }
        }
        finally
        {
            close(fd);
        }
    }
}

/// <summary>An FsCheck property skipped, with the reason, when the kernel oracle is unavailable.</summary>
internal sealed class KernelPropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    public KernelPropertyAttribute() => Skip = KernelFilter.UnavailableReason;
}

/// <summary>A theory skipped, with the reason, when the kernel oracle is unavailable.</summary>
internal sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute() => Skip = KernelFilter.UnavailableReason;
}
