using Bpf.Compiler;
using Bpf.Filtering;
using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Npcap.Native;
using Interop.Libpcap;

namespace Capture.Npcap;

public sealed partial class LiveDevice
{
    private PacketFilter? _managedFilter;
    private BpfBatchFilter? _managedBatchFilter;
    private long _managedRejected;

    /// <summary>The program currently filtering, or null when none is set.</summary>
    public BpfProgram? Filter { get; private set; }

    /// <summary>Where <see cref="Filter"/> runs.</summary>
    public FilterLocation FilterLocation { get; private set; }

    /// <summary>A sentence about the filter's placement, saying why it runs in managed code when it does.</summary>
    public string FilterMessage { get; private set; }

    /// <summary>The expression of the last <see cref="SetFilter(string, CompilerOptions?)"/>, or null after a program was set directly.</summary>
    public string? FilterExpression { get; private set; }

    /// <summary>
    /// Compiles <paramref name="expression"/> with our compiler for this device's link type and snapshot
    /// length and installs it like <see cref="SetFilter(BpfProgram)"/>. On Linux it is compiled as libpcap
    /// compiles for live handles (<see cref="CompilerOptions.LinuxKernelVlan"/>: <c>vlan</c> tests the tag the
    /// kernel moved into metadata); should the filter end up in managed code, it is recompiled to read
    /// tags from the frame, where libpcap puts them back. An unknown netmask is taken from the device's
    /// first IPv4 address, as tcpdump does.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="FilterCompileException">The expression does not compile (kind and position inside).</exception>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    /// <exception cref="LiveCaptureException">Neither the driver nor managed code can run it.</exception>
    public void SetFilter(string expression, CompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        options ??= CompilerOptions.Default;
        if (options.Netmask == 0xffffffff && DeviceNetmask() is { } netmask)
            options = options with { Netmask = netmask };
        var live = options with { LinuxKernelVlan = OperatingSystem.IsLinux() || options.LinuxKernelVlan };
        var program = FilterCompiler.Compile(expression, LinkType, Snaplen, live);
        Install(program, () => live == options ? program : FilterCompiler.Compile(expression, LinkType, Snaplen, options with { LinuxKernelVlan = false }));
        FilterExpression = expression;
    }

    /// <inheritdoc />
    void IKernelFilterTarget.SetFilter(string expression) => SetFilter(expression, null);

    /// <summary>
    /// Installs <paramref name="program"/> (our own instructions, as they are) in the kernel or capture
    /// driver with <c>pcap_setfilter</c>. When the kernel or driver refuses it, the driver is given an
    /// accept-all program and the filter runs in managed code instead (<see cref="FilterLocation"/>,
    /// <see cref="FilterMessage"/>). Either way, a packet is kept when the program returns non-zero,
    /// truncated to the returned length.
    /// </summary>
    /// <remarks>Call it before reading or from the reading thread: it waits for a read in progress.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">No engine can run the program (libpcap's bpf_validate, executable opcodes, no jump to itself).</exception>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    /// <exception cref="LiveCaptureException">Neither the driver nor managed code can run it.</exception>
    public void SetFilter(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        Install(program, () => program);
        FilterExpression = null;
    }

    /// <summary>Installs <paramref name="program"/> in the driver, else <paramref name="managedProgram"/> in managed code.</summary>
    private void Install(BpfProgram program, Func<BpfProgram> managedProgram)
    {
        var runnable = RunnableProgram.Validate(program);
        lock (_readLock)
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            var refusal = KernelRefusal(program) ?? InstallInDriver(program);
            if (refusal is null)
            {
                _managedFilter = null;
                _managedBatchFilter = null;
                Filter = program;
                FilterLocation = FilterLocation.Kernel;
                FilterMessage = OperatingSystem.IsWindows()
                    ? "the filter runs in the Npcap driver"
                    : "the filter runs in the kernel";
                return;
            }
            var managed = managedProgram();
            InstallManaged(ReferenceEquals(managed, program) ? runnable : RunnableProgram.Validate(managed), refusal);
        }
    }

    /// <summary>The netmask of the device's first IPv4 address, as <c>pcap_lookupnet</c> finds it.</summary>
    private uint? DeviceNetmask()
    {
        foreach (var address in Info.Addresses)
            if (address is { Address.AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork, Netmask: { AddressFamily: System.Net.Sockets.AddressFamily.InterNetwork } mask })
                return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes());
        return null;
    }

    /// <summary>
    /// Reads back the program the Linux kernel runs on this device's socket (after libpcap's
    /// adjustments for cooked devices); empty when the kernel runs none, null off Linux.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The device is closed.</exception>
    public BpfProgram? ReadKernelFilter()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return KernelSocketFilter.TryRead(LibpcapNative.pcap_fileno(_handle)) is { } program ? new BpfProgram(program) : null;
    }

    /// <summary>
    /// Why the Linux kernel will not take the program, found before asking it (null: try it). Asking
    /// would not fail either: libpcap would quietly filter in user space and print a warning.
    /// </summary>
    private static string? KernelRefusal(BpfProgram program)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var result = BpfValidator.Validate(program, ValidationProfile.Kernel);
        return result.IsValid ? null : $"the kernel refuses the program ({result.Diagnostics[0].Message})";
    }

    /// <summary>Hands the program to the driver; returns why it was refused, or null once it runs there.</summary>
    private string? InstallInDriver(BpfProgram program)
    {
        using (var native = new NativeBpfProgram(program.AsSpan()))
            if (native.SetOn(_handle) != 0)
                return $"the driver refused the program: {LibpcapNative.LastError(_handle)}";
        // On Linux, libpcap reports success even when the kernel refused the program (it then filters
        // in user space with its own interpreter), so ask the kernel what it actually runs.
        if (ReadKernelFilter() is { Count: 0 })
            return "the kernel refused the program (SO_ATTACH_FILTER failed)";
        return null;
    }

    private void InstallManaged(RunnableProgram program, string refusal)
    {
        var filter = PacketFilter.Create(program);
        // Let every packet through the driver, whole: the managed filter decides and truncates.
        using (var acceptAll = new NativeBpfProgram([Instruction.Stmt(Opcodes.Ret | Opcodes.K, (uint)Snaplen)]))
            if (acceptAll.SetOn(_handle) != 0)
                throw new LiveCaptureException(LiveCaptureError.FilterFailed,
                    $"{refusal}, and the driver refused an accept-all program too: {LibpcapNative.LastError(_handle)}");
        _managedFilter = filter;
        _managedBatchFilter = filter.AsBatchDelegate();
        Filter = program.Program;
        FilterLocation = FilterLocation.Managed;
        FilterMessage = $"the filter runs in managed code ({filter.Engine}): {refusal}";
    }

    /// <summary>The managed filter's verdict: bytes to keep, 0 to drop (no filter keeps everything).</summary>
    private uint ApplyManagedFilter(ReadOnlySpan<byte> data, uint wireLength)
    {
        if (_managedFilter is not { } filter)
            return uint.MaxValue;
        var keep = filter.Run(data, wireLength);
        if (keep == 0)
            _managedRejected++;
        return keep;
    }
}
