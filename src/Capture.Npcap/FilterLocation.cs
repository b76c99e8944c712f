namespace Capture.Npcap;

/// <summary>Where a live device's filter runs.</summary>
public enum FilterLocation
{
    /// <summary>No filter is set: every packet is captured.</summary>
    None,
    /// <summary>In the kernel (Linux socket filter) or the capture driver (Npcap): rejected packets are never copied to us.</summary>
    Kernel,
    /// <summary>
    /// In managed code (the BPF JIT), because the kernel or driver refused the program; the driver
    /// then passes every packet. <see cref="LiveDevice.FilterMessage"/> says why.
    /// </summary>
    Managed,
}
