using Bpf.Testing;
using Bpf.Vm.Capture;
using Capture.Npcap;

namespace Udpcap.Tests;

/// <summary>The live backend the tests hand the stack (it depends on no backend itself).</summary>
internal static class LiveBackend
{
    public static IPacketSource Open(LiveSourceRequest request) =>
        LiveDevice.Open(request.DeviceName, new LiveCaptureOptions
        {
            Immediate = request.Immediate,
            Snaplen = request.Snaplen,
            BufferSize = request.BufferSize,
            ReadTimeout = request.ReadTimeout,
        });

    /// <summary>
    /// The test's network: end A of a veth pair (MTU 1500) on the host with <paramref name="host"/>/24, end B in a
    /// namespace of the test's own with <paramref name="inner"/>/24 and the multicast route.
    /// </summary>
    public static VethPair Network(string host, string inner)
    {
        var pair = new VethPair("udpcap", hostEnd: true);
        try
        {
            pair.AddAddress(endA: true, $"{host}/24");
            pair.AddAddress(endA: false, $"{inner}/24");
            pair.Ip(pair.NamespaceB, "route", "add", "224.0.0.0/4", "dev", pair.NameB);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }
}
