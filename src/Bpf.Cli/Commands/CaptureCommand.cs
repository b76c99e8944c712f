using System.CommandLine;
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
internal sealed class CaptureCommand : IVerb
{
    private readonly Option<string?> _device = CliOptions.Text("-i", "IFACE", "The device to capture on (see bpf devices), as tcpdump -i.");

    private readonly Option<long?> _count = CliOptions.Limit("-c", "COUNT", "Stop after COUNT packets (with --stats: after COUNT reports), as tcpdump -c.", 1);

    private readonly Option<long> _snaplen = CliOptions.Number("-s", "SNAPLEN", "Bytes kept of each packet (0: the default, 262144), as tcpdump -s.", 0, 0, int.MaxValue);

    private readonly Option<string?> _output = CliOptions.Text("-w", "FILE", "Write the packets to a capture file instead of printing one line each, as tcpdump -w.");

    private readonly Option<string?> _format = CliOptions.Choice("--format", "The file format for -w.", "pcap", "pcap", "pcapng");

    private readonly Option<bool> _promiscuous = CliOptions.Flag("--promiscuous", "Put the device in promiscuous mode.");

    private readonly Option<long?> _bufferSize = CliOptions.Limit("--buffer-size", "BYTES", "The kernel or driver buffer size in bytes.", 1, int.MaxValue);

    private readonly Option<bool> _stats = CliOptions.Flag("--stats", "Count packets and bytes in the driver (statistics mode) and print one line per interval instead of packets.");

    private readonly Option<TimeSpan?> _interval = CliOptions.Duration("--interval", "The reporting interval of --stats (default 1).");

    private readonly Argument<string[]> _expression = CliOptions.Expression("The pcap-filter expression, compiled by us and installed in the kernel or driver; several words are joined with spaces.");

    public CaptureCommand() =>
        Definition = new Command("capture", "Captures live packets through our compiled filter, to a file or as one line per packet; Ctrl-C stops and leaves a valid file.")
        {
            _device, _count, _snaplen, _output, _format, _promiscuous, _bufferSize, _stats, _interval, _expression,
        };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var name = parse.GetValue(_device) ?? throw new UsageException("expected -i IFACE (see bpf devices)");
        var count = parse.GetValue(_count) ?? long.MaxValue;
        var snaplen = (int)parse.GetValue(_snaplen);
        var interval = parse.GetValue(_interval) ?? TimeSpan.FromSeconds(1);
        var statistics = parse.GetValue(_stats);
        var options = new LiveCaptureOptions
        {
            Snaplen = snaplen == 0 ? LiveCaptureOptions.DefaultSnaplen : snaplen,
            Promiscuous = parse.GetValue(_promiscuous),
            BufferSize = (int?)parse.GetValue(_bufferSize),
            ReadTimeout = statistics ? interval : TimeSpan.FromMilliseconds(100),
        };
        var format = parse.GetValue(_format) == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap;
        var expression = string.Join(' ', parse.GetValue(_expression) ?? []);

        using var device = LiveDevice.Open(name, options);
        if (expression.Length > 0)
        {
            device.SetFilter(expression);
            context.Error.WriteLine($"bpf capture: filter: {device.FilterMessage}");
        }
        // Ctrl-C closes the device: a read blocked in the driver returns and the loop ends normally.
        using var stop = context.Cancellation.Register(device.Close);
        if (statistics)
            return RunStatistics(device, count, context);

        using var output = parse.GetValue(_output) is { } path
            ? CaptureFileWriter.Create(InputFiles.CheckOutput(path, "-w", []), format, device.LinkType, device.Snaplen,
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
