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
}
