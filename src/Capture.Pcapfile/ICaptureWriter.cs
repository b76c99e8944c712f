using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Pcapfile;

/// <summary>
/// Writes packets to a capture file. Records reach the file whole: after <see cref="Flush"/> or
/// <see cref="IDisposable.Dispose"/> the file is valid up to the last written packet, and if the
/// process stops in between it is valid up to the last record that was handed to the stream.
/// </summary>
public interface ICaptureWriter : IDisposable
{
    /// <summary>The format being written.</summary>
    CaptureFileFormat Format { get; }

    /// <summary>The snapshot length recorded in the file; longer packets are cut to it.</summary>
    int Snaplen { get; }

    /// <summary>The resolution of the timestamps written.</summary>
    TimestampPrecision TimestampPrecision { get; }

    /// <summary>Writes one packet.</summary>
    /// <param name="data">The captured bytes (cut to <see cref="Snaplen"/>).</param>
    /// <param name="wireLength">The packet's length on the wire.</param>
    /// <param name="timestamp">Nanoseconds since the Unix epoch (truncated to the file's precision).</param>
    /// <param name="linkType">The packet's link type.</param>
    /// <exception cref="ArgumentException">The format cannot hold this link type or timestamp.</exception>
    void Write(ReadOnlySpan<byte> data, uint wireLength, long timestamp, LinkType linkType);

    /// <summary>Writes a packet as a reader delivered it, keeping its link type.</summary>
    /// <exception cref="ArgumentException">The format cannot hold this link type or timestamp.</exception>
    void Write(CapturedPacket packet) => Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);

    /// <summary>Writes everything buffered to the underlying stream and flushes it.</summary>
    void Flush();
}
