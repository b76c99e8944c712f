using Capture.Npcap;
using Capture.Pcapfile;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf capture</c>: live capture with our compiled filter running in the kernel or driver (or in
/// managed code where the driver refuses it), to a pcap/pcapng file or as one line per packet.
/// Ctrl-C or SIGTERM stops cleanly, leaves a valid file and prints tcpdump's counters. This class only
/// reads the arguments; <see cref="CaptureSession"/> captures.
/// </summary>
internal sealed class CaptureCommand : ICommand
{
    public string Name => "capture";

    public string Usage =>
        "capture -i IFACE [-c COUNT] [-s SNAPLEN] [-w FILE] [--format pcap|pcapng] [--promiscuous] [--buffer-size BYTES] [--immediate] [--stats [--interval DURATION]] [EXPRESSION]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-i", "-c", "-s", "-w", "--format", "--buffer-size", "--interval"], ["--stats", "--promiscuous", "--immediate"]);
        var name = reader.Value("-i") ?? throw new UsageException("expected -i IFACE (see bpf devices)");
        var snaplen = (int)reader.Number("-s", LiveCaptureOptions.DefaultSnaplen, 0, int.MaxValue);
        var settings = new CaptureSettings(
            Device: name,
            Count: reader.Number("-c", long.MaxValue, 1),
            Snaplen: snaplen == 0 ? LiveCaptureOptions.DefaultSnaplen : snaplen,
            OutputPath: reader.Value("-w"),
            Format: reader.Choice("--format", "pcap", "pcap", "pcapng") == "pcapng" ? CaptureFileFormat.PcapNg : CaptureFileFormat.Pcap,
            Promiscuous: reader.Has("--promiscuous"),
            BufferSize: reader.Value("--buffer-size") is null ? null : (int)reader.Number("--buffer-size", 0, 1, int.MaxValue),
            Immediate: reader.Has("--immediate") ? true : null,
            StatsInterval: reader.Has("--stats") ? reader.Duration("--interval") ?? TimeSpan.FromSeconds(1) : null,
            Expression: string.Join(' ', reader.Operands));
        return CaptureSession.Run(settings, context);
    }
}
