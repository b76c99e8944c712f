using System.Net;
using Capture.Pcapfile;
using Udpcap;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary>
/// <c>bpf udp-recv</c>: receives UDP datagrams through the user-space stack, from a live device or a
/// capture file replay, one line per datagram: <c>SRC_IP:SRC_PORT -&gt; DST_IP:DST_PORT LENGTH HEXPAYLOAD</c>.
/// </summary>
internal sealed class UdpRecvCommand : ICommand
{
    // The largest UDP payload over IPv4: no datagram is ever cut by our own buffer.
    private const int MaxDatagram = 65535 - 20 - 8;

    public string Name => "udp-recv";

    public string Usage => "udp-recv (-i IFACE | -r FILE) --port P [--bind ADDR] [--group G ...] [--count N]";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-i", "-r", "--port", "--bind", "--group", "--count"], []);
        var device = reader.Value("-i");
        var file = reader.Value("-r");
        if ((device is null) == (file is null))
            throw new UsageException("give exactly one of -i IFACE and -r FILE");
        if (reader.Value("--port") is null)
            throw new UsageException("expected --port P");
        if (reader.Operands.Count != 0)
            throw new UsageException($"unexpected argument '{reader.Operands[0]}'");
        var port = (int)reader.Number("--port", 0, 0, 65535);
        var count = reader.Number("--count", long.MaxValue, 1);
        var bind = ParseAddress(reader.Value("--bind") ?? "0.0.0.0", "--bind");
        var groups = reader.Values("--group").Select(g => ParseAddress(g, "--group")).ToArray();

        try
        {
            using var capture = file is not null
                ? UdpcapCapture.Create(CaptureFileReader.Open(file))
                : UdpcapCapture.OpenLive(device!);
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
}
