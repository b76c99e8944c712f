using Bpf.Vm.Capture;

namespace Capture.Npcap.Tests;

/// <summary>A copied packet, kept after the device's buffer moves on.</summary>
internal sealed record Captured(byte[] Data, uint WireLength);

/// <summary>Bounded read loops over a live device: every loop ends by count or by a few seconds.</summary>
internal static class Capture
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>Reads (copies of) packets until <paramref name="enough"/> says so or <paramref name="limit"/> passes.</summary>
    public static List<Captured> Read(LiveDevice device, TimeSpan limit, Func<List<Captured>, bool>? enough = null)
    {
        var packets = new List<Captured>();
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && packets.Count < 10_000 && enough?.Invoke(packets) != true)
        {
            var status = device.ReadPacket(out var packet);
            if (status == PacketReadStatus.End)
                break;
            if (status == PacketReadStatus.Packet)
                packets.Add(new Captured(packet.Data.ToArray(), packet.WireLength));
        }
        return packets;
    }

    /// <summary>
    /// A capture needs a moment before it sees traffic: sends with <paramref name="send"/> (attempt number
    /// given) and reads briefly, until a packet satisfying <paramref name="seen"/> arrives (at most 5 s).
    /// </summary>
    public static void WarmUp(LiveDevice device, Action<int> send, Func<Captured, bool> seen)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var attempt = 0; DateTime.UtcNow < deadline; attempt++)
        {
            send(attempt);
            if (Read(device, TimeSpan.FromMilliseconds(150), got => got.Any(seen)).Any(seen))
                return;
        }
        Assert.Fail($"no warm-up packet reached the capture on {device.Name} within {Patience.TotalSeconds} s");
    }
}
