using System.Net.NetworkInformation;

namespace Udpcap;

/// <summary>
/// What the stack asks of a live capture backend when <see cref="UdpcapCapture.OpenLive"/> opens a device:
/// immediate delivery (a datagram reaches its socket as it arrives, not when a buffer block fills), a 32 MiB
/// buffer, and a snapshot length just above the device's largest frame (its MTU plus an Ethernet header and
/// four VLAN tags).
/// </summary>
/// <remarks>
/// The snapshot length decides how many packets the buffer holds. On Linux immediate mode uses TPACKET_V2,
/// whose ring holds fixed frames of the snapshot length (libpcap caps them at the MTU only for devices without
/// offloads; veth has them): with 65,599 bytes a 32 MiB ring holds about 500 packets, so a flood of small
/// datagrams overflowed it while a kernel socket with a 4 MiB receive buffer kept up (measured, issue 18); with
/// 1,530 bytes on a 1,500-byte MTU it holds about 20,000. A frame larger than this (receive offload merging
/// packets, a device whose MTU changed) is cut, and the stack counts it as <see cref="DropReason.Truncated"/>.
/// </remarks>
/// <param name="DeviceName">The device, e.g. <c>lo</c>.</param>
/// <param name="Snaplen">The snapshot length.</param>
/// <param name="BufferSize">The kernel or driver buffer, in bytes.</param>
/// <param name="ReadTimeout">How long a read waits for a packet (the pump checks for a stop between reads).</param>
/// <param name="Immediate">Deliver each packet as it arrives.</param>
public sealed record LiveSourceRequest(string DeviceName, int Snaplen, int BufferSize, TimeSpan ReadTimeout, bool Immediate)
{
    /// <summary>The snapshot length for a device whose MTU is unknown, or above 65,535: the largest IPv4 packet plus link and VLAN headers.</summary>
    public const int MaxSnaplen = 65535 + 64;

    /// <summary>Bytes a frame carries besides its IP packet: an Ethernet header and four VLAN tags (also covers Linux cooked headers).</summary>
    public const int LinkOverhead = 14 + 4 * 4;

    /// <summary>The stack's settings for <paramref name="deviceName"/>, sized from its MTU when the system reports one.</summary>
    public static LiveSourceRequest For(string deviceName) =>
        new(deviceName, Snaplen: SnaplenFor(MtuOf(deviceName)), BufferSize: 32 << 20, ReadTimeout: TimeSpan.FromMilliseconds(50), Immediate: true);

    /// <summary>The snapshot length for a device of MTU <paramref name="mtu"/> (null: unknown).</summary>
    public static int SnaplenFor(int? mtu) => mtu is > 0 and var m ? (int)Math.Min((long)m + LinkOverhead, MaxSnaplen) : MaxSnaplen;

    private static int? MtuOf(string deviceName)
    {
        try
        {
            var device = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == deviceName);
            return device?.GetIPProperties().GetIPv4Properties()?.Mtu;
        }
        catch (Exception e) when (e is NetworkInformationException or PlatformNotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }
}
