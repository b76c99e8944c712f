using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Capture.Npcap;
using Udpcap;

namespace Bpf.Benchmarks;

/// <summary>
/// The receiving side of benchmarks/scripts/udpcap.sh: one UDP receiver, a kernel socket or a udpcap socket, bound
/// to a port with a given receive buffer, doing the same work per datagram (read its sequence number, count it).
/// <code>Bpf.Benchmarks udp-load kernel|udpcap DEVICE PORT RCVBUF EXPECTED</code>
/// Prints <c>ready</c> once bound, then one line when done: <c>received R unique U reordered O</c>, and for
/// udpcap its statistics (the capture's counters and the stack's drop reasons). Stops at EXPECTED datagrams, after
/// 3 s without one once the flood began (or 30 s before it), at 120 s in all, or at SIGTERM.
/// </summary>
internal static class UdpLoad
{
    public static int Run(string[] args)
    {
        if (args.Length != 5 || args[0] is not ("kernel" or "udpcap"))
        {
            Console.Error.WriteLine("usage: udp-load kernel|udpcap DEVICE PORT RCVBUF EXPECTED");
            return 2;
        }
        var device = args[1];
        var port = int.Parse(args[2], CultureInfo.InvariantCulture);
        var receiveBuffer = int.Parse(args[3], CultureInfo.InvariantCulture);
        var expected = int.Parse(args[4], CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            stop.Cancel();
        });
        return args[0] == "kernel" ? Kernel(port, receiveBuffer, expected, stop.Token) : Stack(device, port, receiveBuffer, expected, stop.Token);
    }

    private static int Kernel(int port, int receiveBuffer, int expected, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.ReceiveBufferSize = receiveBuffer;
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        var tally = new Tally(expected);
        Console.WriteLine("ready");
        var buffer = new byte[65536];
        while (tally.GoOn(stop))
        {
            if (!socket.Poll(100_000, SelectMode.SelectRead))
                continue;
            var length = socket.Receive(buffer);
            tally.Add(buffer, length);
        }
        Console.WriteLine($"{tally} so_rcvbuf {socket.ReceiveBufferSize}");
        return 0;
    }

    private static int Stack(string device, int port, int receiveBuffer, int expected, CancellationToken stop)
    {
        using var capture = UdpcapCapture.OpenLive(device, request => LiveDevice.Open(request.DeviceName, new LiveCaptureOptions
        {
            Immediate = request.Immediate,
            Snaplen = request.Snaplen,
            BufferSize = request.BufferSize,
            ReadTimeout = request.ReadTimeout,
        }));
        using var socket = capture.CreateSocket();
        socket.ReceiveBufferSize = receiveBuffer;
        socket.Bind(IPAddress.Any, port);
        var tally = new Tally(expected);
        Console.WriteLine("ready");
        var buffer = new byte[65536];
        while (tally.GoOn(stop))
        {
            var result = socket.Receive(buffer, TimeSpan.FromMilliseconds(100));
            if (result.IsReceived)
                tally.Add(buffer, result.Length);
        }
        socket.Close();
        capture.Dispose(); // the capture's counters stay readable: LiveDevice reads them before closing
        Console.WriteLine($"{tally} {capture.Statistics}");
        return 0;
    }

    /// <summary>Counts datagrams by the sequence number in their first 8 bytes (little-endian), as udpflood.py writes it.</summary>
    private sealed class Tally(int expected)
    {
        private readonly bool[] _seen = new bool[expected];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _last = -1;
        private long _lastAt;
        private int _received;
        private int _unique;
        private int _reordered;

        public void Add(byte[] buffer, int length)
        {
            _received++;
            _lastAt = _clock.ElapsedMilliseconds;
            if (length < 8)
                return;
            var seq = BitConverter.ToInt64(buffer);
            if (seq >= 0 && seq < _seen.Length && !_seen[seq])
            {
                _seen[seq] = true;
                _unique++;
            }
            if (seq < _last)
                _reordered++;
            _last = seq;
        }

        public bool GoOn(CancellationToken stop)
        {
            if (stop.IsCancellationRequested || _unique >= _seen.Length)
                return false;
            var now = _clock.ElapsedMilliseconds;
            return now < 120_000 && (_received == 0 ? now < 30_000 : now - _lastAt < 3_000);
        }

        public override string ToString() => $"received {_received} unique {_unique} reordered {_reordered}";
    }
}
