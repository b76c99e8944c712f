using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bpf.Vm.Capture;
using Capture.Npcap.Native;
using Interop.Libpcap;

namespace Capture.Npcap;

public sealed unsafe partial class LiveDevice
{
    /// <summary>The batch being filled by the <c>pcap_dispatch</c> in progress (one reader at a time).</summary>
    private LivePacketBatch? _dispatching;
    private Exception? _dispatchFault;

    /// <summary>
    /// Waits up to the read timeout for packets and takes every packet the driver has ready, up to the
    /// batch's limits, in one <c>pcap_dispatch</c> (on Linux: every filled block of the TPACKET ring),
    /// with the managed filter applied when the driver could not take it.
    /// </summary>
    /// <param name="batch">Emptied, then filled; its packets stay valid until the next read into it.</param>
    /// <returns><see cref="PacketReadStatus.Packet"/> with at least one packet, <see cref="PacketReadStatus.Timeout"/>,
    /// or <see cref="PacketReadStatus.End"/> once the device is closed.</returns>
    /// <exception cref="InvalidOperationException">Statistics mode is on.</exception>
    /// <exception cref="LiveCaptureException">The driver reported a read error.</exception>
    public PacketReadStatus ReadBatch(LivePacketBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_statisticsMode)
            throw new InvalidOperationException("statistics mode is on: read counters with ReadStatistics");
        lock (_readLock)
        {
            var deadline = Options.TimeoutMilliseconds == 0 ? long.MaxValue : Environment.TickCount64 + Options.TimeoutMilliseconds;
            while (true)
            {
                batch.Reset(LinkType, Snaplen);
                if (IsClosed)
                    return PacketReadStatus.End;
                var result = Dispatch(batch);
                if (result < 0 && result != LibpcapNative.ErrorBreak)
                    throw new LiveCaptureException(LiveCaptureError.ReadFailed, $"reading from '{Name}' failed: {LibpcapNative.LastError(_handle)}");
                var taken = batch.Count;
                if (taken > 0 && _managedBatchFilter is { } filter)
                    _managedRejected += batch.Filter(filter);
                if (batch.Count > 0)
                {
                    _delivered += batch.Count;
                    return PacketReadStatus.Packet;
                }
                if (IsClosed)
                    return PacketReadStatus.End;
                // Packets came but the managed filter rejected them all: look again at once.
                if (taken > 0)
                    continue;
                var remaining = deadline - Environment.TickCount64;
                if (_pollFd < 0 || remaining <= 0)
                    return PacketReadStatus.Timeout;
                const int CloseCheckMilliseconds = 50;
                var poll = new Libc.PollFd { Fd = _pollFd, Events = Libc.PollIn };
                _ = Libc.poll(&poll, 1, (int)Math.Min(remaining, CloseCheckMilliseconds));
            }
        }
    }

    /// <summary>One <c>pcap_dispatch</c> into <paramref name="batch"/>; returns libpcap's result.</summary>
    private int Dispatch(LivePacketBatch batch)
    {
        _dispatching = batch;
        _dispatchFault = null;
        var self = GCHandle.Alloc(this);
        try
        {
            return LibpcapNative.pcap_dispatch(_handle, -1, &OnPacket, (byte*)GCHandle.ToIntPtr(self));
        }
        finally
        {
            self.Free();
            _dispatching = null;
            if (_dispatchFault is { } fault)
                ExceptionDispatchInfoThrow(fault);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ExceptionDispatchInfoThrow(Exception fault) =>
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fault);

    /// <summary>
    /// libpcap's per-packet callback: copies the packet from the ring into the batch, and stops the
    /// dispatch (<c>pcap_breakloop</c>, which leaves the rest in the ring for the next read) once the
    /// batch is full. No exception may cross back into native code, so one is kept and rethrown.
    /// </summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPacket(byte* user, IntPtr header, byte* bytes)
    {
        var device = (LiveDevice)GCHandle.FromIntPtr((IntPtr)user).Target!;
        try
        {
            var batch = device._dispatching!;
            PacketHeader.Read(header, device._nanoseconds, out var timestamp, out var captureLength, out var wireLength);
            if (!batch.Add(new ReadOnlySpan<byte>(bytes, (int)captureLength), wireLength, timestamp))
                throw new InvalidOperationException($"a packet of {captureLength} bytes does not fit the batch");
            if (batch.IsFull)
                LibpcapNative.pcap_breakloop_raw(device._rawHandle);
        }
        catch (Exception e)
        {
            device._dispatchFault ??= e;
            LibpcapNative.pcap_breakloop_raw(device._rawHandle);
        }
    }
}
