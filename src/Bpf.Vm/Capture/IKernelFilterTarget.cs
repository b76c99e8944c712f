namespace Bpf.Vm.Capture;

/// <summary>
/// A capability of live packet sources: a capture filter can be installed where the packets are captured
/// (the kernel or capture driver), so rejected packets never reach the reader. Consumers such as the UDP
/// stack test for this interface, not for a backend's class, so backends stay plugins; a source without it
/// (a file replay) is filtered in managed code by the consumer. Reads of such sources return within their
/// read timeout, and disposing one ends a read in progress.
/// </summary>
public interface IKernelFilterTarget
{
    /// <summary>
    /// Compiles <paramref name="expression"/> for this source (its link type, snapshot length and netmask)
    /// and installs it in the kernel or driver, or in managed code where they refuse it, replacing the
    /// filter in force.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The source is closed.</exception>
    /// <exception cref="IOException">Neither the kernel or driver nor managed code can run the filter.</exception>
    void SetFilter(string expression);
}
