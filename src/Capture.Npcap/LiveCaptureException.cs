namespace Capture.Npcap;

/// <summary>What went wrong in a live capture operation.</summary>
public enum LiveCaptureError
{
    /// <summary>Windows without Npcap: the capture driver and <c>wpcap.dll</c> are missing.</summary>
    NpcapMissing,
    /// <summary>libpcap itself could not be loaded (not installed).</summary>
    LibpcapMissing,
    /// <summary>No capture device has the requested name.</summary>
    NoSuchDevice,
    /// <summary>The device exists but could not be opened or configured (often: not root / no capture rights).</summary>
    OpenFailed,
    /// <summary>The filter could be installed neither in the driver nor in managed code.</summary>
    FilterFailed,
    /// <summary>Reading the next packet failed.</summary>
    ReadFailed,
    /// <summary>Sending a frame failed.</summary>
    SendFailed,
    /// <summary>The requested feature is not available on this platform or driver.</summary>
    NotSupported,
}

/// <summary>
/// A live capture operation failed; <see cref="Error"/> says which kind of failure. An <see cref="IOException"/>,
/// so consumers of the capture abstraction (<see cref="Bpf.Vm.Capture.IKernelFilterTarget"/>) handle it without
/// knowing this backend.
/// </summary>
public sealed class LiveCaptureException : IOException
{
    /// <summary>Creates the exception.</summary>
    public LiveCaptureException(LiveCaptureError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of failure.</summary>
    public LiveCaptureError Error { get; }
}
