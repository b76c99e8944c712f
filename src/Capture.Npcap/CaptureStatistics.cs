using System.Buffers.Binary;

namespace Capture.Npcap;

/// <summary>
/// One report of statistics mode (<see cref="LiveDevice.StatisticsMode"/>): how many packets and
/// bytes passed the filter during one interval. Npcap counts in the driver, without copying packets;
/// elsewhere the counts are made in managed code from the captured packets.
/// </summary>
/// <param name="Packets">Packets that passed the filter in the interval.</param>
/// <param name="Bytes">Their bytes (wire lengths in managed mode; as the Npcap driver counts them on Windows).</param>
/// <param name="Timestamp">The end of the interval, in nanoseconds since the Unix epoch.</param>
public readonly record struct CaptureStatistics(ulong Packets, ulong Bytes, long Timestamp)
{
    /// <summary>The size of the record Npcap delivers in statistics mode: two little-endian 64-bit counters.</summary>
    internal const int NpcapRecordSize = 16;

    /// <summary>Parses Npcap's statistics record (packets, then bytes, both 64-bit little-endian).</summary>
    /// <exception cref="InvalidDataException">The record is shorter than 16 bytes.</exception>
    internal static CaptureStatistics ParseNpcapRecord(ReadOnlySpan<byte> record, long timestamp)
    {
        if (record.Length < NpcapRecordSize)
            throw new InvalidDataException($"an Npcap statistics record has {NpcapRecordSize} bytes, got {record.Length}");
        return new CaptureStatistics(
            BinaryPrimitives.ReadUInt64LittleEndian(record),
            BinaryPrimitives.ReadUInt64LittleEndian(record[8..]),
            timestamp);
    }
}

/// <summary>Counters of a live device since it was opened.</summary>
/// <param name="Received">Packets the driver received that passed its filter (<c>ps_recv</c>).</param>
/// <param name="Dropped">Packets dropped because the capture buffer was full (<c>ps_drop</c>).</param>
/// <param name="InterfaceDropped">Packets the interface or its driver dropped (<c>ps_ifdrop</c>, where supported).</param>
/// <param name="Delivered">Packets handed to the reader.</param>
/// <param name="ManagedRejected">Packets the managed filter rejected (when the filter runs in managed code).</param>
public readonly record struct DeviceStatistics(uint Received, uint Dropped, uint InterfaceDropped, long Delivered, long ManagedRejected);
