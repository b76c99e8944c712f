using Bpf.Vm;
using Interop.Libpcap;
using SharpPcap;
using SharpPcap.LibPcap;

namespace Capture.Npcap;

/// <summary>Lists the live capture devices of this machine (<c>bpf devices</c>).</summary>
public static class LiveDevices
{
    /// <summary>
    /// Every capture device libpcap (Npcap on Windows) knows, in its order. With
    /// <paramref name="probeLinkTypes"/>, each device is opened briefly to learn its link type, which
    /// needs capture rights; devices that cannot be opened report a null link type.
    /// </summary>
    /// <exception cref="LiveCaptureException">The capture library is missing or cannot list devices.</exception>
    public static IReadOnlyList<LiveDeviceInfo> List(bool probeLinkTypes = true)
    {
        var result = new List<LiveDeviceInfo>();
        foreach (var device in Enumerate())
        {
            LinkType? linkType = probeLinkTypes ? ProbeLinkType(device) : null;
            result.Add(Describe(device, linkType));
        }
        return result;
    }

    /// <summary>The loopback device (<c>lo</c>, <c>lo0</c>, Npcap's loopback adapter), or null if there is none.</summary>
    /// <exception cref="LiveCaptureException">The capture library is missing or cannot list devices.</exception>
    public static LiveDeviceInfo? FindLoopback() =>
        List(probeLinkTypes: false).FirstOrDefault(d => d.IsLoopback || d.Name == NpcapRuntime.WindowsLoopbackAdapter);

    /// <summary>Fresh SharpPcap devices (not its cached list, which would miss later interfaces).</summary>
    internal static LibPcapLiveDeviceList Enumerate()
    {
        NpcapRuntime.EnsureAvailable();
        try
        {
            return LibPcapLiveDeviceList.New();
        }
        catch (PcapException e)
        {
            throw new LiveCaptureException(LiveCaptureError.OpenFailed, $"cannot list capture devices: {e.Message}", e);
        }
    }

    internal static LiveDeviceInfo Describe(LibPcapLiveDevice device, LinkType? linkType)
    {
        var addresses = device.Addresses
            .Select(a => new LiveAddress(a.Addr?.ipAddress, a.Netmask?.ipAddress, a.Addr?.ipAddress is null ? a.Addr?.hardwareAddress : null))
            .Where(a => a.Address is not null || a.Hardware is not null)
            .ToArray();
        var flags = device.Flags;
        var description = device.Interface?.FriendlyName is { Length: > 0 } friendly && OperatingSystem.IsWindows()
            ? friendly
            : device.Description ?? "";
        return new LiveDeviceInfo(
            device.Name,
            description,
            addresses,
            linkType,
            (flags & LiveDeviceInfo.FlagLoopback) != 0,
            (flags & LiveDeviceInfo.FlagUp) != 0,
            (flags & LiveDeviceInfo.FlagRunning) != 0);
    }

    private static LinkType? ProbeLinkType(LibPcapLiveDevice device)
    {
        try
        {
            device.Open(new DeviceConfiguration { Snaplen = 64, ReadTimeout = 1 });
            return (LinkType)LibpcapNative.pcap_datalink(device.Handle);
        }
        catch (PcapException)
        {
            return null; // no capture rights, or an interface that is down
        }
        finally
        {
            device.Close();
        }
    }
}
