using Bpf.Vm;

namespace Capture.Npcap.Native;

/// <summary>
/// Reads back the classic BPF program the Linux kernel has attached to a socket
/// (<c>getsockopt(SOL_SOCKET, SO_GET_FILTER)</c>): the kernel keeps the original instructions,
/// so this tells exactly what it runs. libpcap silently falls back to filtering in user space
/// when the kernel refuses a program, and this is how we notice.
/// </summary>
internal static unsafe class KernelSocketFilter
{
    // asm-generic/socket.h (x86, arm, riscv; not the few architectures that renumber them).
    private const int SolSocket = 1;
    private const int SoGetFilter = 26;

    /// <summary>
    /// The attached program (empty when none is attached), or null when the kernel will not say
    /// (not Linux, or the option failed).
    /// </summary>
    public static Instruction[]? TryRead(int fd)
    {
        if (!OperatingSystem.IsLinux() || fd < 0)
            return null;
        // First ask for the count (length 0), then for the instructions; the length is in instructions.
        uint count = 0;
        if (Libc.getsockopt(fd, SolSocket, SoGetFilter, null, &count) != 0)
            return null;
        if (count == 0)
            return [];
        var program = new Instruction[count];
        var length = count;
        fixed (Instruction* buffer = program)
            if (Libc.getsockopt(fd, SolSocket, SoGetFilter, buffer, &length) != 0 || length != count)
                return null;
        return program;
    }
}
