namespace Udpcap;

/// <summary>
/// What the stack asks of a live capture backend when <see cref="UdpcapCapture.OpenLive"/> opens a device:
/// immediate delivery, and a snapshot length just above the largest IPv4 packet plus link and VLAN headers.
/// On Linux immediate mode uses TPACKET_V2, whose ring holds fixed frames of the snapshot length: libpcap's
/// default 262144 would leave a 2 MiB ring only 8 frames, and a burst of fragments would overflow it. With
/// this length and a 32 MiB buffer the ring holds about 500 frames.
/// </summary>
/// <param name="DeviceName">The device, e.g. <c>lo</c>.</param>
/// <param name="Snaplen">The snapshot length.</param>
/// <param name="BufferSize">The kernel or driver buffer, in bytes.</param>
/// <param name="ReadTimeout">How long a read waits for a packet (the pump checks for a stop between reads).</param>
/// <param name="Immediate">Deliver each packet as it arrives.</param>
public sealed record LiveSourceRequest(string DeviceName, int Snaplen, int BufferSize, TimeSpan ReadTimeout, bool Immediate)
{
    /// <summary>The stack's settings for <paramref name="deviceName"/>.</summary>
    public static LiveSourceRequest For(string deviceName) =>
        new(deviceName, Snaplen: 65535 + 64, BufferSize: 32 << 20, ReadTimeout: TimeSpan.FromMilliseconds(50), Immediate: true);
}
