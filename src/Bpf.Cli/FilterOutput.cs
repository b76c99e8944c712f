using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Pcapfile;

namespace Bpf.Cli;

/// <summary>
/// The <c>-w</c> file of a filter run. It takes the link type, snapshot length, timestamp precision
/// and (unless <c>--format</c> says otherwise) the format of the first input; packets are written
/// whole, as libpcap's offline filtering keeps them (the return value only accepts or rejects).
/// <c>-</c> writes to standard output (for a pipe into <c>tcpdump -r -</c>).
/// </summary>
internal sealed class FilterOutput(string path, CaptureFileFormat? format, CliContext context) : IDisposable
{
    /// <summary>Whether the capture goes to standard output (so nothing else may).</summary>
    public bool IsStandardOutput => path == CliContext.StandardStream;

    private ICaptureWriter? _writer;
    private LinkType _linkType;
    private bool _oneLinkType;

    /// <summary>Called with each input before its packets; the first one shapes the output file.</summary>
    public void Begin(InputShape input)
    {
        if (_writer is not null)
            return;
        // Written on a thread of its own: the kernel's share of writing overlaps with reading.
        Stream stream = new BackgroundWriteStream(IsStandardOutput ? context.OpenOutput() : File.Create(path, 1, FileOptions.None));
        try
        {
            _writer = CaptureFileWriter.Create(stream, format ?? input.Format, input.LinkType, input.Snaplen, input.Precision);
            _linkType = input.LinkType;
            _oneLinkType = (format ?? input.Format) == CaptureFileFormat.Pcap;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Writes an accepted packet read from input <paramref name="source"/>.</summary>
    /// <exception cref="InputException">The output format cannot hold the packet (a second link type in a pcap file).</exception>
    public void Write(in CapturedPacket packet, string source)
    {
        if (_oneLinkType && packet.LinkType != _linkType)
            throw new InputException(
                $"{path}: a pcap file holds one link type ({LinkTypes.Name(_linkType)}), but {source} has {LinkTypes.Name(packet.LinkType)} packets; use --format pcapng for inputs of several link types");
        _writer!.Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
    }

    /// <summary>Flushes and closes the file: it is valid up to the last packet written.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}
