namespace Bpf.Vm.Capture;

/// <summary>
/// What a live capture's kernel or driver counted (libpcap's <c>pcap_stats</c>; Npcap's driver counters on
/// Windows): packets that passed its filter, and packets lost before a reader saw them.
/// </summary>
/// <param name="Received">Packets received by the filter (<c>ps_recv</c>; on Linux, before the ring had room for them).</param>
/// <param name="DroppedByKernel">Packets dropped because the capture buffer was full (<c>ps_drop</c>).</param>
/// <param name="DroppedByInterface">Packets the interface or its driver dropped (<c>ps_ifdrop</c>, where supported).</param>
public readonly record struct CaptureCounters(long Received, long DroppedByKernel, long DroppedByInterface);

/// <summary>
/// A capability of live packet sources: the kernel's or driver's drop counters, readable while capturing and
/// after the source was closed (the counters as they were just before). Consumers such as the UDP stack report
/// them next to their own; a file source has none.
/// </summary>
public interface ICaptureCounterSource
{
    /// <summary>The counters now (or, once closed, as read just before closing); false when the driver cannot report them.</summary>
    bool TryGetCaptureCounters(out CaptureCounters counters);
}
