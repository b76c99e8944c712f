using System.CommandLine;
using System.Net;
using Bpf.Vm;
using Capture.Pcapfile;
using Udpcap;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf udp-recv</c>: receives UDP datagrams through the user-space stack, from a live device or a
/// capture file replay, one line per datagram: <c>SRC_IP:SRC_PORT -&gt; DST_IP:DST_PORT LENGTH HEXPAYLOAD</c>.
/// </summary>
internal sealed class UdpRecvCommand : IVerb
{
    // The largest UDP payload over IPv4: no datagram is ever cut by our own buffer.
    private const int MaxDatagram = 65535 - 20 - 8;

    private readonly Option<string?> _device = CliOptions.Text("-i", "IFACE", "Receive from a live device.");

    private readonly Option<string?> _input = CliOptions.Text("-r", "FILE", "Receive from a capture file replayed through the stack.");

    private readonly Option<long?> _port = CliOptions.Limit("--port", "P", "The UDP port to bind.", 0, 65535);

    private readonly Option<string?> _bind = CliOptions.Text("--bind", "ADDR", "The IPv4 address to bind (default 0.0.0.0: any).");

    private readonly Option<string[]> _groups = new("--group")
    {
        Description = "A multicast group to join (repeatable).",
        HelpName = "G",
        AllowMultipleArgumentsPerToken = false,
    };

    private readonly Option<long?> _count = CliOptions.Limit("--count", "N", "Stop after N datagrams.", 1);

    public UdpRecvCommand() =>
        Definition = new Command("udp-recv", "Receives UDP datagrams through the user-space stack (live or from a file), one line each: SRC -> DST LENGTH HEXPAYLOAD.")
        {
            _device, _input, _port, _bind, _groups, _count,
        };

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var device = parse.GetValue(_device);
        var file = parse.GetValue(_input);
        if ((device is null) == (file is null))
            throw new UsageException("give exactly one of -i IFACE and -r FILE");
        var port = (int)(parse.GetValue(_port) ?? throw new UsageException("expected --port P"));
        var count = parse.GetValue(_count) ?? long.MaxValue;
        var bind = ParseAddress(parse.GetValue(_bind) ?? "0.0.0.0", "--bind");
        var groups = (parse.GetValue(_groups) ?? []).Select(g => ParseAddress(g, "--group")).ToArray();

        try
        {
            using var capture = file is not null
                ? UdpcapCapture.Create(CaptureFileReader.Open(InputFiles.CheckFile(file, "-r")))
                : UdpcapCapture.OpenLive(device!, OpenLive);
            using var socket = capture.CreateSocket();
            socket.Bind(bind, port);
            foreach (var group in groups)
                socket.JoinMulticastGroup(group);
            capture.Start();
            // Ctrl-C closes the socket: a receive waiting in the stack returns at once.
            using var stop = context.Cancellation.Register(socket.Close);
            var buffer = new byte[MaxDatagram];
            for (long received = 0; received < count && !context.Cancellation.IsCancellationRequested;)
            {
                var result = socket.Receive(buffer, TimeSpan.FromMilliseconds(200));
                if (result.Status == ReceiveStatus.EndOfCapture)
                    break;
                if (!result.IsReceived)
                    continue;
                received++;
                context.Out.WriteLine(DatagramLine.Format(result, buffer));
            }
            context.Out.Flush();
            return Program.ExitOk;
        }
        catch (UdpcapException e) when (e.Error == UdpcapError.Closed && context.Cancellation.IsCancellationRequested)
        {
            // Ctrl-C closed the socket under a waiting receive: a clean stop, not an error.
            return Program.ExitOk;
        }
        catch (Exception e) when (file is not null && e is InvalidDataException or UdpcapException)
        {
            // A damaged file: the reader says where in it, this says which file.
            throw new InputException($"{file}: {e.Message}", e);
        }
    }

    private static IPAddress ParseAddress(string text, string option) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? address
            : throw new UsageException($"option {option}: '{text}' is not an IPv4 address");

    /// <summary>The live backend the stack captures through (the stack itself depends on no backend).</summary>
    internal static Bpf.Vm.Capture.IPacketSource OpenLive(LiveSourceRequest request) =>
        Capture.Npcap.LiveDevice.Open(request.DeviceName, new Capture.Npcap.LiveCaptureOptions
        {
            Immediate = request.Immediate,
            Snaplen = request.Snaplen,
            BufferSize = request.BufferSize,
            ReadTimeout = request.ReadTimeout,
        });
}
