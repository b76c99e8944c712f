using System.Net;
using System.Net.NetworkInformation;
using Bpf.Vm;

namespace Capture.Npcap;

/// <summary>One address of a capture device, as <c>pcap_findalldevs</c> reports it.</summary>
/// <param name="Address">The IPv4 or IPv6 address, or null for a hardware address.</param>
/// <param name="Netmask">Its netmask, when known.</param>
/// <param name="Hardware">The link-layer address, for entries that carry one.</param>
public sealed record LiveAddress(IPAddress? Address, IPAddress? Netmask, PhysicalAddress? Hardware)
{
    /// <inheritdoc />
    public override string ToString() =>
        Address is not null
            ? Netmask is null ? Address.ToString() : $"{Address} netmask {Netmask}"
            : Hardware is null ? "" : string.Join(':', Hardware.GetAddressBytes().Select(b => b.ToString("x2")));
}

/// <summary>A capture device, for listing (<c>bpf devices</c>) and for opening by <see cref="Name"/>.</summary>
/// <param name="Name">The name to open it by (<c>eth0</c>, <c>\Device\NPF_{GUID}</c>).</param>
/// <param name="Description">libpcap's description, or the friendly name on Windows; may be empty.</param>
/// <param name="Addresses">Its addresses.</param>
/// <param name="LinkType">Its link type, or null when it could not be opened to ask (no capture rights).</param>
/// <param name="IsLoopback">True for the loopback interface (Npcap's loopback adapter on Windows).</param>
/// <param name="IsUp">The interface is up.</param>
/// <param name="IsRunning">The interface is running (has carrier).</param>
public sealed record LiveDeviceInfo(
    string Name,
    string Description,
    IReadOnlyList<LiveAddress> Addresses,
    LinkType? LinkType,
    bool IsLoopback,
    bool IsUp,
    bool IsRunning)
{
    // pcap/pcap.h PCAP_IF_* flags.
    internal const uint FlagLoopback = 0x1, FlagUp = 0x2, FlagRunning = 0x4;
}
