using System.Globalization;
using Bpf.Vm.Capture;
using Capture.Npcap;
using Capture.Pcapfile;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf capture</c>: live capture with our compiled filter running in the kernel or driver (or in
/// managed code where the driver refuses it), to a pcap/pcapng file or as one line per packet.
/// Ctrl-C stops cleanly and leaves a valid file.
/// </summary>
internal sealed class CaptureCommand : ICommand
{
    public string Name => "capture";

    public string Usage =>
        "capture -i IFACE [-c COUNT] [-s SNAPLEN] [-w FILE] [--format pcap|pcapng] [--promiscuous] [--buffer-size BYTES] [--stats [--interval DURATION]] [EXPRESSION]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-i", "-c", "-s", "-w", "--format", "--buffer-size", "--interval"], ["--stats", "--promiscuous"]);
        var name = reader.Value("-i") ?? throw new UsageException("expected -i IFACE (see bpf devices)");
        var count = reader.Number("-c", long.MaxValue, 1);
        var snaplen = (int)reader.Number("-s", LiveCaptureOptions.DefaultSnaplen, 0, int.MaxValue);
        var interval = reader.Duration("--interval") ?? TimeSpan.FromSeconds(1);
        var options = new LiveCaptureOptions
        {
            Snaplen = snaplen == 0 ? LiveCaptureOptions.DefaultSnaplen : snaplen,
            Promiscuous = reader.Has("--promiscuous"),
            BufferSize = reader.Value("--buffer-size") is null ? null : (int)reader.Number("--buffer-size", 0, 1, int.MaxValue),
            ReadTimeout = reader.Has("--stats") ? interval : TimeSpan.FromMilliseconds(100),
        };
        var format = reader.Choice("--format", "pcap", "pcap", "pcapng") == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap;
        var expression = string.Join(' ', reader.Operands);

        using var device = LiveDevice.Open(name, options);
        if (expression.Length > 0)
        {
            device.SetFilter(expression);
            context.Error.WriteLine($"bpf capture: filter: {device.FilterMessage}");
        }
        // Ctrl-C closes the device: a read blocked in the driver returns and the loop ends normally.
        using var stop = context.Cancellation.Register(device.Close);
        if (reader.Has("--stats"))
            return RunStatistics(device, count, context);

        using var output = reader.Value("-w") is { } path
            ? CaptureFileWriter.Create(path, format, device.LinkType, device.Snaplen,
                device.HasNanosecondTimestamps ? TimestampPrecision.Nanoseconds : TimestampPrecision.Microseconds)
            : null;
        long captured = 0;
        while (captured < count)
        {
            var status = device.ReadPacket(out var packet);
            if (status == PacketReadStatus.End)
                break;
            if (status == PacketReadStatus.Timeout)
            {
                output?.Flush();
                continue;
            }
            captured++;
            if (output is not null)
                output.Write(packet.Data, packet.WireLength, packet.Timestamp, packet.LinkType);
            else
                context.Out.WriteLine(PacketSummary.Describe(packet));
        }
        output?.Flush();
        var stats = device.IsClosed ? (DeviceStatistics?)null : device.Statistics;
        context.Error.WriteLine(stats is { } s
            ? $"bpf capture: {captured} packets captured, {s.Received} received by filter, {s.Dropped} dropped by kernel"
            : $"bpf capture: {captured} packets captured");
        return Program.ExitOk;
    }

    private static int RunStatistics(LiveDevice device, long count, CliContext context)
    {
        device.StatisticsMode = true;
        for (long reports = 0; reports < count && device.ReadStatistics(out var stats) == PacketReadStatus.Packet; reports++)
        {
            var time = DateTimeOffset.UnixEpoch.AddTicks(stats.Timestamp / 100);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{time:yyyy-MM-ddTHH:mm:ss.fffZ} packets {stats.Packets} bytes {stats.Bytes}"));
            context.Out.Flush();
        }
        return Program.ExitOk;
    }
}
