using Bpf.Vm;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Capture.Pcapfile;

/// <summary>Creates pcap or pcapng writers, e.g. to copy packets keeping a reader's properties.</summary>
public static class CaptureFileWriter
{
    /// <summary>Creates a writer of <paramref name="format"/> on a stream.</summary>
    /// <param name="stream">Where the file goes.</param>
    /// <param name="format">pcap or pcapng.</param>
    /// <param name="linkType">
    /// The link type (pcap files hold exactly one; pcapng files start with its interface, so a file without
    /// packets is still readable, and add interfaces as packets of other link types need them).
    /// </param>
    /// <param name="snaplen">The snapshot length to record.</param>
    /// <param name="precision">The timestamp resolution.</param>
    /// <param name="leaveOpen">Leave the stream open when the writer is disposed.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="snaplen"/> is not positive or the format is unknown.</exception>
    public static ICaptureWriter Create(Stream stream, CaptureFileFormat format, LinkType linkType,
        int snaplen = SnaplenRules.MaximumSnaplen, TimestampPrecision precision = TimestampPrecision.Microseconds, bool leaveOpen = false) =>
        format switch
        {
            CaptureFileFormat.Pcap => new PcapWriter(stream, linkType, snaplen, precision, leaveOpen),
            CaptureFileFormat.PcapNg => new PcapNgWriter(stream, snaplen, precision, leaveOpen, firstInterface: linkType),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown capture file format"),
        };

    /// <summary>Creates (or replaces) a file of <paramref name="format"/>.</summary>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public static ICaptureWriter Create(string path, CaptureFileFormat format, LinkType linkType,
        int snaplen = SnaplenRules.MaximumSnaplen, TimestampPrecision precision = TimestampPrecision.Microseconds)
    {
        var stream = CreateFile(path);
        try
        {
            return Create(stream, format, linkType, snaplen, precision);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a writer that keeps the input's link type, snapshot length and timestamp precision;
    /// the format defaults to the input's.
    /// </summary>
    public static ICaptureWriter CreateLike(CaptureFileReader input, Stream stream, CaptureFileFormat? format = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Create(stream, format ?? input.Format, input.LinkType, input.Snaplen, input.TimestampPrecision, leaveOpen);
    }

    /// <summary>Opens a file for writing without the stream's own buffering (the writers buffer whole records).</summary>
    internal static FileStream CreateFile(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
}
