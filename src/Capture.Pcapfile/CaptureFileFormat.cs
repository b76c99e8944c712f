namespace Capture.Pcapfile;

/// <summary>The container format of a capture file.</summary>
public enum CaptureFileFormat
{
    /// <summary>The classic libpcap format: one 24-byte file header, then 16-byte record headers.</summary>
    Pcap,
    /// <summary>pcapng: blocks (sections, interfaces, packets), each interface with its own link type.</summary>
    PcapNg,
}

/// <summary>The resolution in which a file stores packet timestamps.</summary>
public enum TimestampPrecision
{
    /// <summary>Microseconds (pcap magic 0xa1b2c3d4, pcapng's default <c>if_tsresol</c> of 6).</summary>
    Microseconds,
    /// <summary>Nanoseconds (pcap magic 0xa1b23c4d, pcapng <c>if_tsresol</c> 9), or anything finer than microseconds.</summary>
    Nanoseconds,
}
