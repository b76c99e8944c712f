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
                if (!WaitForPackets(deadline))
                    return PacketReadStatus.Timeout;
            }
        }
    }

    /// <inheritdoc />
    IPacketBatch IPacketBatchSource.CreateBatch() => new LivePacketBatch();

    /// <inheritdoc />
    PacketReadStatus IPacketBatchSource.ReadBatch(IPacketBatch batch) =>
        ReadBatch(batch as LivePacketBatch ?? throw new ArgumentException("the batch comes from another kind of source", nameof(batch)));

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

    // The consumer of the ReadInPlace in progress, and how many packets it took.
    private IPacketConsumer? _consumer;
    private int _consumed;

    /// <summary>
    /// Waits up to the read timeout for packets and hands every packet the driver has ready (one <c>pcap_dispatch</c>:
    /// on Linux every filled block of the TPACKET ring) to <paramref name="consumer"/> while its bytes are in the ring,
    /// with the managed filter applied per packet when the driver could not take it. Nothing is copied: measured, the
    /// copy into a <see cref="LivePacketBatch"/> costs 40 ns per 100-byte packet and 105 ns per 1,400-byte one (issue 18).
    /// </summary>
    /// <returns><see cref="PacketReadStatus.Packet"/> when at least one packet was consumed, <see cref="PacketReadStatus.Timeout"/>,
    /// or <see cref="PacketReadStatus.End"/> once the device is closed.</returns>
    /// <exception cref="InvalidOperationException">Statistics mode is on.</exception>
    /// <exception cref="LiveCaptureException">The driver reported a read error.</exception>
    public PacketReadStatus ReadInPlace(IPacketConsumer consumer)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (_statisticsMode)
            throw new InvalidOperationException("statistics mode is on: read counters with ReadStatistics");
        lock (_readLock)
        {
            var deadline = Options.TimeoutMilliseconds == 0 ? long.MaxValue : Environment.TickCount64 + Options.TimeoutMilliseconds;
            while (true)
            {
                if (IsClosed)
                    return PacketReadStatus.End;
                _consumer = consumer;
                _consumed = 0;
                _dispatchFault = null;
                int result;
                var self = GCHandle.Alloc(this);
                try
                {
                    result = LibpcapNative.pcap_dispatch(_handle, -1, &OnPacketInPlace, (byte*)GCHandle.ToIntPtr(self));
                }
                finally
                {
                    self.Free();
                    _consumer = null;
                    _delivered += _consumed;
                }
                if (_dispatchFault is { } fault)
                    ExceptionDispatchInfoThrow(fault);
                if (result < 0 && result != LibpcapNative.ErrorBreak)
                    throw new LiveCaptureException(LiveCaptureError.ReadFailed, $"reading from '{Name}' failed: {LibpcapNative.LastError(_handle)}");
                if (_consumed > 0)
                    return PacketReadStatus.Packet;
                if (IsClosed)
                    return PacketReadStatus.End;
                // Packets came but the managed filter rejected them all: look again at once.
                if (result > 0)
                    continue;
                if (!WaitForPackets(deadline))
                    return PacketReadStatus.Timeout;
            }
        }
    }

    /// <summary>libpcap's per-packet callback for <see cref="ReadInPlace"/>: filter (when managed) and consume in the ring.</summary>
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPacketInPlace(byte* user, IntPtr header, byte* bytes)
    {
        var device = (LiveDevice)GCHandle.FromIntPtr((IntPtr)user).Target!;
        try
        {
            PacketHeader.Read(header, device._nanoseconds, out var timestamp, out var captureLength, out var wireLength);
            var data = new ReadOnlySpan<byte>(bytes, (int)captureLength);
            var keep = device.ApplyManagedFilter(data, wireLength);
            if (keep == 0)
                return;
            var more = device._consumer!.Consume(new CapturedPacket(data[..(int)Math.Min(keep, captureLength)], wireLength, timestamp, device.LinkType));
            device._consumed++;
            if (!more)
                LibpcapNative.pcap_breakloop_raw(device._rawHandle);
        }
        catch (Exception e)
        {
            device._dispatchFault ??= e;
            LibpcapNative.pcap_breakloop_raw(device._rawHandle);
        }
    }

    /// <summary>
    /// Measurement only (the copy's cost, see tests/Capture.Npcap.Tests/CopyCostTests.cs): one <c>pcap_dispatch</c>
    /// whose callback works on each packet in the ring and keeps nothing: with <paramref name="scratch"/> null it
    /// reads the header and the packet's first and last byte (what a filter or a decoder of headers touches), else
    /// it copies the packet into <paramref name="scratch"/>, always the same bytes (what a writer's buffered copy
    /// would do inside the callback). Returns the packets seen.
    /// </summary>
    internal int DispatchWithoutBatch(byte[]? scratch)
    {
        lock (_readLock)
        {
            fixed (byte* destination = scratch)
            {
                var state = stackalloc long[4];
                state[0] = state[1] = 0;
                state[2] = (long)destination;
                state[3] = scratch?.Length ?? 0;
                var result = LibpcapNative.pcap_dispatch(_handle, -1, &OnPacketInRing, (byte*)state);
                if (result < 0 && result != LibpcapNative.ErrorBreak)
                    throw new LiveCaptureException(LiveCaptureError.ReadFailed, $"reading from '{Name}' failed: {LibpcapNative.LastError(_handle)}");
                return (int)state[0];
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnPacketInRing(byte* user, IntPtr header, byte* bytes)
    {
        var state = (long*)user;
        PacketHeader.Read(header, false, out _, out var captureLength, out _);
        state[0]++;
        if (state[2] != 0)
            Buffer.MemoryCopy(bytes, (void*)state[2], state[3], Math.Min(captureLength, state[3]));
        else if (captureLength > 0)
            state[1] += bytes[0] + bytes[captureLength - 1];
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
