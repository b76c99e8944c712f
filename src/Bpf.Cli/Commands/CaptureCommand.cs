using System.CommandLine;
using Capture.Npcap;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf capture</c>: live capture with our compiled filter running in the kernel or driver (or in
/// managed code where the driver refuses it), to a pcap/pcapng file or as one line per packet.
/// Ctrl-C or SIGTERM stops cleanly, leaves a valid file and prints tcpdump's counters. This class only
/// reads the options; <see cref="CaptureSession"/> captures.
/// </summary>
internal sealed class CaptureCommand : IVerb
{
    private readonly Option<string?> _device = CliOptions.Text("-i", "IFACE", "The device to capture on (see bpf devices), as tcpdump -i.");

    private readonly Option<long?> _count = CliOptions.Limit("-c", "COUNT", "Stop after COUNT packets, as tcpdump -c.", 1);

    private readonly Option<long> _snaplen = CliOptions.Number("-s", "SNAPLEN", "Bytes kept of each packet (0: the default, 262144), as tcpdump -s.", 0, 0, int.MaxValue);

    private readonly Option<string?> _output = CliOptions.Text("-w", "FILE", "Write the packets to a capture file instead of printing one line each, as tcpdump -w.");

    private readonly Option<string?> _format = CliOptions.Choice("--format", "The file format for -w.", "pcap", "pcap", "pcapng");

    private readonly Option<bool> _promiscuous = CliOptions.Flag("--promiscuous", "Put the device in promiscuous mode.");

    private readonly Option<long?> _bufferSize = CliOptions.Limit("--buffer-size", "BYTES",
        "The kernel or driver buffer size in bytes (default: libpcap's, 2 MiB on Linux; 2 MiB on Npcap, as Wireshark), as tcpdump -B but in bytes.", 1, int.MaxValue);

    private readonly Option<bool> _immediate = CliOptions.Flag("--immediate",
        "Deliver each packet as it arrives, as tcpdump --immediate-mode (default: only when printing to a terminal; files get buffered blocks, which keep up with floods).");

    private readonly Option<bool> _stats = CliOptions.Flag("--stats", "Print the counters (captured, received by filter, dropped by kernel, dropped by interface) to standard error every interval while capturing.");

    private readonly Option<TimeSpan?> _interval = CliOptions.Duration("--interval", "The reporting interval of --stats (default 1).");

    private readonly Argument<string[]> _expression = CliOptions.Expression("The pcap-filter expression, compiled by us and installed in the kernel or driver; several words are joined with spaces.");

    private readonly PrintFlags _print = new();

    public CaptureCommand()
    {
        Definition = new Command("capture", "Captures live packets through our compiled filter, to a file or as one line per packet; Ctrl-C or SIGTERM stops, leaves a valid file and prints tcpdump's counters.")
        {
            _device, _count, _snaplen, _output, _format, _promiscuous, _bufferSize, _immediate, _stats, _interval, _expression,
        };
        _print.AddTo(Definition);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var snaplen = (int)parse.GetValue(_snaplen);
        var settings = new CaptureSettings(
            Device: parse.GetValue(_device) ?? throw new UsageException("expected -i IFACE (see bpf devices)"),
            Count: parse.GetValue(_count) ?? long.MaxValue,
            Snaplen: snaplen == 0 ? LiveCaptureOptions.DefaultSnaplen : snaplen,
            OutputPath: parse.GetValue(_output),
            Format: parse.GetValue(_format) == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap,
            Promiscuous: parse.GetValue(_promiscuous),
            BufferSize: (int?)parse.GetValue(_bufferSize),
            Immediate: parse.GetValue(_immediate) ? true : null,
            StatsInterval: parse.GetValue(_stats) ? parse.GetValue(_interval) ?? TimeSpan.FromSeconds(1) : null,
            Expression: string.Join(' ', parse.GetValue(_expression) ?? []),
            Printer: _print.Printer(parse, always: true)!,
            LineBuffered: _print.LineBuffered(parse));
        return CaptureSession.Run(settings, context);
    }
}
