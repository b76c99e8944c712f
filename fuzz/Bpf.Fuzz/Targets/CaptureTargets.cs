using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Pcapfile;
using Capture.Pcapfile.Pcap;
using Capture.Pcapfile.PcapNg;

namespace Bpf.Fuzz.Targets;

/// <summary>The pcap reader on arbitrary bytes.</summary>
internal sealed class PcapTarget : IFuzzTarget
{
    public string Name => "pcap";

    public string Description => "pcap reader: TryReadPacket on whole and trickled streams, ReadBatch, write-back; all must agree";

    public void Run(byte[] input) => CaptureChecks.Run(input, stream => new PcapReader(stream, leaveOpen: true));
}

/// <summary>The pcapng reader on arbitrary bytes.</summary>
internal sealed class PcapNgTarget : IFuzzTarget
{
    public string Name => "pcapng";

    public string Description => "pcapng reader: TryReadPacket on whole and trickled streams, ReadBatch, write-back; all must agree";

    public void Run(byte[] input) => CaptureChecks.Run(input, stream => new PcapNgReader(stream, leaveOpen: true));
}

/// <summary>
/// What both capture targets check. A reader may refuse a file (<see cref="InvalidDataException"/>, at
/// open or at the damaged record) and nothing else may escape. Reading packet by packet from one
/// buffer, from a stream that returns a few bytes per read, and in batches must give the same
/// packets and the same error; no packet is longer than the snapshot length; the packets written
/// back with <see cref="CaptureFileWriter.CreateLike"/> read back the same.
/// </summary>
internal static class CaptureChecks
{
    private sealed record Packet(byte[] Data, uint WireLength, long Timestamp, LinkType LinkType, int Interface)
    {
        public bool SameAs(Packet other) =>
            Data.AsSpan().SequenceEqual(other.Data) && WireLength == other.WireLength && Timestamp == other.Timestamp
            && LinkType == other.LinkType && Interface == other.Interface;
    }

    private sealed record Reading(List<Packet> Packets, string? Error, CaptureFileReader? Reader);

    public static void Run(byte[] input, Func<Stream, CaptureFileReader> open)
    {
        var whole = ReadEach(new MemoryStream(input), open);
        var trickled = ReadEach(new TrickleStream(input, 3), open);
        Compare("trickled stream", whole, trickled);
        var batched = ReadBatches(new MemoryStream(input), open);
        Compare("batches", whole, batched);
        if (whole.Reader is { } reader)
            WriteBack(reader, whole.Packets);
    }

    private static Reading ReadEach(Stream stream, Func<Stream, CaptureFileReader> open)
    {
        var packets = new List<Packet>();
        CaptureFileReader reader;
        try
        {
            reader = open(stream);
        }
        catch (InvalidDataException e)
        {
            return new Reading(packets, "open: " + e.Message, null);
        }
        using (reader)
        {
            try
            {
                while (reader.TryReadPacket(out var packet))
                    packets.Add(Record(reader, packet));
            }
            catch (InvalidDataException e)
            {
                FuzzFinding.Check(CaptureFileError.TryGetOffset(e, out _), $"capture error without an offset: {e.Message}");
                return new Reading(packets, e.Message, reader);
            }
            return new Reading(packets, null, reader);
        }
    }

    private static Reading ReadBatches(Stream stream, Func<Stream, CaptureFileReader> open)
    {
        var packets = new List<Packet>();
        CaptureFileReader reader;
        try
        {
            reader = open(stream);
        }
        catch (InvalidDataException e)
        {
            return new Reading(packets, "open: " + e.Message, null);
        }
        using (reader)
        {
            var batch = new PacketBatch();
            while (reader.ReadBatch(batch))
            {
                var slices = batch.Slices;
                FuzzFinding.Check(slices.Length == batch.Count, $"batch: {slices.Length} slices for {batch.Count} packets");
                for (var i = 0; i < batch.Count; i++)
                {
                    var packet = batch[i];
                    FuzzFinding.Check(slices[i].Data.SequenceEqual(packet.Data) && slices[i].WireLength == packet.WireLength,
                        $"batch: slice {i} differs from packet {i}");
                    FuzzFinding.Check(batch.LinkTypeAt(i) == packet.LinkType && batch.TimestampAt(i) == packet.Timestamp,
                        $"batch: link type or timestamp of packet {i} differs");
                    var run = batch.LinkTypeRun(i);
                    FuzzFinding.Check(run >= 1 && i + run <= batch.Count, $"batch: link-type run of {run} at {i} of {batch.Count}");
                    packets.Add(Record(reader, packet));
                }
                var error = batch.Error?.Message;
                batch.Release();
                if (error is not null)
                    return new Reading(packets, error, reader);
            }
            return new Reading(packets, null, reader);
        }
    }

    private static Packet Record(CaptureFileReader reader, in CapturedPacket packet)
    {
        // Packets are cut to the snapshot length, as libpcap cuts them: callers size buffers by it.
        // pcapng interfaces each have their own snaplen, which the reader checks per interface.
        if (reader is PcapReader)
            FuzzFinding.Check(packet.Data.Length <= reader.Snaplen, $"packet of {packet.Data.Length} bytes above the snaplen {reader.Snaplen}");
        return new Packet(packet.Data.ToArray(), packet.WireLength, packet.Timestamp, packet.LinkType, packet.InterfaceIndex);
    }

    private static void Compare(string how, Reading expected, Reading actual)
    {
        FuzzFinding.Check(expected.Error == actual.Error, $"{how}: error '{actual.Error}', reading whole: '{expected.Error}'");
        FuzzFinding.Check(expected.Packets.Count == actual.Packets.Count,
            $"{how}: {actual.Packets.Count} packets, reading whole: {expected.Packets.Count}");
        for (var i = 0; i < expected.Packets.Count; i++)
            FuzzFinding.Check(expected.Packets[i].SameAs(actual.Packets[i]), $"{how}: packet {i} differs");
    }

    // Every packet read writes back (the writer keeps the reader's link type, snaplen and precision)
    // and reads back with the same bytes, wire length and link type.
    private static void WriteBack(CaptureFileReader reader, List<Packet> packets)
    {
        // pcap's seconds field is signed 32 bits where the writer puts it, but libpcap (and our reader)
        // read byte-swapped files' seconds as unsigned: such times (after 2038) are refused by the
        // writer, as documented, and are left out here.
        if (reader.Format == CaptureFileFormat.Pcap)
            packets = packets.Where(p => p.Timestamp / 1_000_000_000 - (p.Timestamp % 1_000_000_000 < 0 ? 1 : 0) is >= int.MinValue and <= int.MaxValue).ToList();
        var output = new MemoryStream();
        using (var writer = CaptureFileWriter.CreateLike(reader, output, leaveOpen: true))
        {
            foreach (var packet in packets)
                writer.Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
        }
        output.Position = 0;
        using var again = CaptureFileReader.Open(output, leaveOpen: true);
        var index = 0;
        while (again.TryReadPacket(out var packet))
        {
            FuzzFinding.Check(index < packets.Count, $"write-back: more packets read back than the {packets.Count} written");
            var written = packets[index++];
            // The writer records one snapshot length (the reader's, of its first interface) and cuts
            // longer packets to it, as libpcap's readers would cut them: a later pcapng interface or
            // section may have allowed more.
            var kept = written.Data.AsSpan(0, Math.Min(written.Data.Length, reader.Snaplen));
            FuzzFinding.Check(packet.Data.SequenceEqual(kept) && packet.WireLength == written.WireLength && packet.LinkType == written.LinkType,
                $"write-back: packet {index - 1} reads back different");
            if (reader.Format == CaptureFileFormat.Pcap)
                FuzzFinding.Check(packet.Timestamp == written.Timestamp, $"write-back: packet {index - 1} timestamp {packet.Timestamp}, written {written.Timestamp}");
        }
        FuzzFinding.Check(index == packets.Count, $"write-back: {index} packets read back of {packets.Count} written");
    }
}

/// <summary>A read-only stream that returns at most a few bytes per read, as a pipe may.</summary>
internal sealed class TrickleStream(byte[] data, int step) : Stream
{
    private int _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(step, buffer.Length), data.Length - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
