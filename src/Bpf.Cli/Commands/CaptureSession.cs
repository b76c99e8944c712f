using System.Globalization;
using Bpf.Vm;
using Bpf.Vm.Capture;
using Capture.Npcap;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>What <c>bpf capture</c> was asked to do, whatever parsed the command line.</summary>
/// <param name="Device">The interface.</param>
/// <param name="Count">Stop after this many packets.</param>
/// <param name="Snaplen">Bytes kept per packet.</param>
/// <param name="OutputPath">The capture file, or null to print one line per packet.</param>
/// <param name="Format">The capture file's format.</param>
/// <param name="Promiscuous">Put the interface in promiscuous mode.</param>
/// <param name="BufferSize">The capture buffer in bytes, or null for libpcap's default (tcpdump's).</param>
/// <param name="Immediate">Deliver each packet at once; null: only when a person watches (see <see cref="CaptureSession"/>).</param>
/// <param name="StatsInterval">Print the counters this often while capturing, or null.</param>
/// <param name="Expression">The filter, empty for none.</param>
/// <param name="Printer">Formats a packet as one line when no file is written.</param>
/// <param name="LineBuffered">Flush standard output after every line (tcpdump -l).</param>
internal sealed record CaptureSettings(
    string Device, long Count, int Snaplen, string? OutputPath, CaptureFileFormat Format, bool Promiscuous,
    int? BufferSize, bool? Immediate, TimeSpan? StatsInterval, string Expression, PacketPrinter Printer, bool LineBuffered);

/// <summary>
/// One run of <c>bpf capture</c>: reads the device in batches, writes or prints each packet, and ends
/// (count reached, Ctrl-C, SIGTERM) with tcpdump's four counters, read before the device is closed.
/// </summary>
/// <remarks>
/// Defaults follow tcpdump's: packets are delivered in buffered blocks when written to a file (libpcap's
/// TPACKET_V3 ring on Linux, whose blocks hold many packets whatever the snapshot length), and at once only
/// when printed to a terminal, where a person watches. Immediate mode on Linux falls back to TPACKET_V2,
/// whose fixed frames are as large as the snapshot length: at 262144 bytes a 2 MiB ring holds 8 packets,
/// which is where the drops under a flood came from (see benchmarks/scripts/live.sh).
/// </remarks>
internal static class CaptureSession
{
    public static int Run(CaptureSettings settings, CliContext context)
    {
        var options = new LiveCaptureOptions
        {
            Snaplen = settings.Snaplen,
            Promiscuous = settings.Promiscuous,
            BufferSize = settings.BufferSize,
            Immediate = settings.Immediate ?? (settings.OutputPath is null && !Console.IsOutputRedirected),
        };
        using var device = LiveDevice.Open(settings.Device, options);
        if (settings.Expression.Length > 0)
        {
            device.SetFilter(settings.Expression);
            context.Error.WriteLine($"bpf capture: filter: {device.FilterMessage}");
        }
        // Ctrl-C and SIGTERM close the device: a waiting read returns End, and Close keeps the counters.
        using var stop = context.Cancellation.Register(device.Close);
        using var output = settings.OutputPath is { } path
            ? CaptureFileWriter.Create(InputFiles.CheckOutput(path, "-w", []), settings.Format, device.LinkType, device.Snaplen,
                device.HasNanosecondTimestamps ? TimestampPrecision.Nanoseconds : TimestampPrecision.Microseconds)
            : null;
        context.Error.WriteLine($"bpf capture: listening on {device.Name}, link-type {LinkTypes.Name(device.LinkType)}, snapshot length {device.Snaplen} bytes");
        context.Error.Flush();

        var captured = Capture(device, output, settings, context);
        output?.Flush();
        WriteCounters(context.Error, captured, ReadCounters(device));
        return Program.ExitOk;
    }

    private static long Capture(LiveDevice device, ICaptureWriter? output, CaptureSettings settings, CliContext context)
    {
        // Each read hands every packet the ring holds to the writer or printer while it is still in the ring (one
        // pcap_dispatch, no copy into a batch first: measured at 40-105 ns a packet, see CopyCostTests).
        var sink = new PacketSink(output, settings, context);
        var interval = settings.StatsInterval is { } every ? (long)every.TotalMilliseconds : 0;
        var nextReport = Environment.TickCount64 + interval;
        while (sink.Captured < settings.Count)
        {
            var status = device.ReadInPlace(sink);
            if (status == PacketReadStatus.End)
                break;
            if (status == PacketReadStatus.Packet)
            {
                if (output is null)
                    context.Out.Flush();
            }
            else
                output?.Flush(); // a quiet moment: let a reader of the file see what came so far
            if (interval > 0 && Environment.TickCount64 >= nextReport)
            {
                nextReport = Environment.TickCount64 + interval;
                if (ReadCounters(device) is { } now)
                    context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{DateTime.Now:HH:mm:ss} {sink.Captured} captured, {now.Received} received by filter, {now.Dropped} dropped by kernel, {now.InterfaceDropped} dropped by interface"));
            }
        }
        return sink.Captured;
    }

    /// <summary>Writes or prints each packet inside the device's read, and ends the read at the count (the rest stay in the ring).</summary>
    private sealed class PacketSink(ICaptureWriter? output, CaptureSettings settings, CliContext context) : IPacketConsumer
    {
        public long Captured { get; private set; }

        public bool Consume(in CapturedPacket packet)
        {
            if (output is not null)
                output.Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
            else
            {
                context.Out.WriteLine(settings.Printer.Format(packet));
                if (settings.LineBuffered)
                    context.Out.Flush();
            }
            return ++Captured < settings.Count;
        }
    }

    private static DeviceStatistics? ReadCounters(LiveDevice device)
    {
        try
        {
            return device.Statistics;
        }
        catch (Exception e) when (e is LiveCaptureException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>tcpdump's closing lines, word for word, so scripts that read tcpdump's read ours.</summary>
    private static void WriteCounters(TextWriter error, long captured, DeviceStatistics? counters)
    {
        error.WriteLine(Plural(captured, "captured"));
        if (counters is { } c)
        {
            error.WriteLine(Plural(c.Received, "received by filter"));
            error.WriteLine(Plural(c.Dropped, "dropped by kernel"));
            error.WriteLine(Plural(c.InterfaceDropped, "dropped by interface"));
        }
        else
            error.WriteLine("bpf capture: the driver could not report its counters");
        error.Flush();
    }

    private static string Plural(long count, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} packet{(count == 1 ? "" : "s")} {what}");
}
