namespace Udpcap;

/// <summary>What went wrong in a <see cref="UdpcapSocket"/> or <see cref="UdpcapCapture"/> call.</summary>
public enum UdpcapError
{
    /// <summary>The socket must be bound first.</summary>
    NotBound,
    /// <summary>The socket is already bound (and the call is only valid before binding).</summary>
    AlreadyBound,
    /// <summary>The socket or its capture was closed (also ends a receive waiting in another thread).</summary>
    Closed,
    /// <summary>No capture backend: the capture library is missing, the device is unknown, or capture is not permitted.</summary>
    BackendUnavailable,
    /// <summary>The capture source failed while reading (a live read error, a malformed file).</summary>
    CaptureFailed,
}

/// <summary>A typed failure of the UDP capture stack.</summary>
public sealed class UdpcapException : Exception
{
    /// <summary>Creates an exception of <paramref name="error"/>.</summary>
    public UdpcapException(UdpcapError error, string message, Exception? inner = null)
        : base(message, inner) => Error = error;

    /// <summary>The kind of failure.</summary>
    public UdpcapError Error { get; }
}
