using Bpf;
using Bpf.Jit;
using Capture.Npcap.Native;

namespace Capture.Npcap;

public sealed partial class LiveDevice
{
    private BpfFilterDelegate? _managedFilter;
    private long _managedRejected;

    /// <summary>The program currently filtering, or null when none is set.</summary>
    public BpfProgram? Filter { get; private set; }

    /// <summary>Where <see cref="Filter"/> runs.</summary>
    public FilterLocation FilterLocation { get; private set; }

    /// <summary>A sentence about the filter's placement, saying why it runs in managed code when it does.</summary>
    public string FilterMessage { get; private set; }

    /// <summary>
    /// Installs <paramref name="program"/> (our own instructions, as they are) in the kernel or capture
    /// driver with <c>pcap_setfilter</c>. When the kernel or driver refuses it, the driver is given an
    /// accept-all program and the filter runs in managed code instead (<see cref="FilterLocation"/>,
    /// <see cref="FilterMessage"/>). Either way, a packet is kept when the program returns non-zero,
    /// truncated to the returned length.
    /// </summary>
    /// <remarks>Call it before reading or from the reading thread: it waits for a read in progress.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="ArgumentException">The program is empty or not valid.</exception>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    /// <exception cref="LiveCaptureException">Neither the driver nor managed code can run it.</exception>
    public void SetFilter(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Count == 0)
            throw new ArgumentException("a filter program needs at least one instruction", nameof(program));
        lock (_readLock)
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            var refusal = KernelRefusal(program) ?? InstallInDriver(program);
            if (refusal is null)
            {
                _managedFilter = null;
                Filter = program;
                FilterLocation = FilterLocation.Kernel;
                FilterMessage = OperatingSystem.IsWindows()
                    ? "the filter runs in the Npcap driver"
                    : "the filter runs in the kernel";
                return;
            }
            InstallManaged(program, refusal);
        }
    }

    /// <summary>
    /// Reads back the program the Linux kernel runs on this device's socket (after libpcap's
    /// adjustments for cooked devices); empty when the kernel runs none, null off Linux.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    public BpfProgram? ReadKernelFilter()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return KernelSocketFilter.TryRead(PcapNative.pcap_fileno(_handle)) is { } program ? new BpfProgram(program) : null;
    }

    /// <summary>Why the kernel will not take the program, found before asking it (null: try it).</summary>
    private static string? KernelRefusal(BpfProgram program)
    {
        // Linux's bpf_check_classic caps programs at BPF_MAXINSNS; libpcap would quietly filter in user space.
        const int LinuxMaxInstructions = 4096;
        if (OperatingSystem.IsLinux() && program.Count > LinuxMaxInstructions)
            return $"the kernel takes at most {LinuxMaxInstructions} instructions and the program has {program.Count}";
        return null;
    }

    /// <summary>Hands the program to the driver; returns why it was refused, or null once it runs there.</summary>
    private string? InstallInDriver(BpfProgram program)
    {
        using (var native = new NativeBpfProgram(program.AsSpan()))
            if (native.SetOn(_handle) != 0)
                return $"the driver refused the program: {PcapNative.LastError(_handle)}";
        // On Linux, libpcap reports success even when the kernel refused the program (it then filters
        // in user space with its own interpreter), so ask the kernel what it actually runs.
        if (ReadKernelFilter() is { Count: 0 })
            return "the kernel refused the program (SO_ATTACH_FILTER failed)";
        return null;
    }

    private void InstallManaged(BpfProgram program, string refusal)
    {
        BpfFilterDelegate filter;
        try
        {
            filter = ManagedFilter.Compile(program);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"the filter program is not valid ({refusal}): {e.Message}", nameof(program), e);
        }
        // Let every packet through the driver, whole: the managed filter decides and truncates.
        using (var acceptAll = new NativeBpfProgram([Instruction.Stmt(Opcodes.Ret | Opcodes.K, (uint)Snaplen)]))
            if (acceptAll.SetOn(_handle) != 0)
                throw new LiveCaptureException(LiveCaptureError.FilterFailed,
                    $"{refusal}, and the driver refused an accept-all program too: {PcapNative.LastError(_handle)}");
        _managedFilter = filter;
        Filter = program;
        FilterLocation = FilterLocation.Managed;
        FilterMessage = $"the filter runs in managed code: {refusal}";
    }

    /// <summary>The managed filter's verdict: bytes to keep, 0 to drop (no filter keeps everything).</summary>
    private uint ApplyManagedFilter(ReadOnlySpan<byte> data, uint wireLength)
    {
        if (_managedFilter is not { } filter)
            return uint.MaxValue;
        var keep = filter(data, wireLength);
        if (keep == 0)
            _managedRejected++;
        return keep;
    }
}
