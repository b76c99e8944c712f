using System.Net;
using Bpf.Vm;
using static Udpcap.Tests.PacketBuilder;

namespace Udpcap.Tests;

/// <summary>The socket API's contract: binding rules, truncation, closing, async receive.</summary>
public class UdpcapSocketTests
{
    private static readonly uint Sender = Ip("10.0.0.1");
    private static readonly uint Host = Ip("10.0.0.2");

    private static byte[] Frame(int size, ushort port = 5000) =>
        Ethernet(Ipv4(Sender, Host, Udp(Sender, 4000, Host, port, Enumerable.Range(0, size).Select(i => (byte)i).ToArray())));

    [Fact]
    public void DatagramLargerThanBuffer_IsReportedTruncated()
    {
        using var replay = new Replay(LinkType.EN10MB, Frame(100), Frame(10));
        using var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        var buffer = new byte[32];
        var first = socket.Receive(buffer, TimeSpan.FromSeconds(30));
        Assert.True(first.Truncated);
        Assert.Equal((32, 100), (first.Length, first.DatagramLength));
        Assert.Equal(Enumerable.Range(0, 32).Select(i => (byte)i), buffer);
        Assert.Throws<ArgumentException>(() => DatagramLine.Format(first, buffer));
        var second = socket.Receive(buffer, TimeSpan.FromSeconds(30));
        Assert.False(second.Truncated);
        Assert.Equal(10, second.Length);
    }

    [Fact]
    public void ReceiveBeforeBind_IsNotBound_AndBufferSizeAfterBind_IsAlreadyBound()
    {
        using var replay = new Replay(LinkType.EN10MB, Frame(1));
        using var socket = replay.Capture.CreateSocket();
        Assert.Equal(UdpcapError.NotBound, Assert.Throws<UdpcapException>(() => socket.Receive(new byte[1], TimeSpan.Zero)).Error);
        socket.ReceiveBufferSize = 1 << 20;
        socket.Bind(IPAddress.Loopback, 5000);
        Assert.Equal(UdpcapError.AlreadyBound, Assert.Throws<UdpcapException>(() => socket.ReceiveBufferSize = 1).Error);
        Assert.Equal(UdpcapError.AlreadyBound, Assert.Throws<UdpcapException>(() => socket.Bind(IPAddress.Any, 1)).Error);
        Assert.Throws<ArgumentException>(() => socket.JoinMulticastGroup(IPAddress.Parse("10.0.0.1")));
        Assert.Throws<ArgumentException>(() => socket.Bind(IPAddress.IPv6Loopback, 5000));
    }

    [Fact]
    public void SmallReceiveBuffer_DropsWhatDoesNotFit_NeverSplits()
    {
        var frames = Enumerable.Range(0, 40).Select(_ => Frame(4000)).ToArray();
        using var replay = new Replay(LinkType.EN10MB, frames);
        using var socket = replay.Capture.CreateSocket();
        socket.ReceiveBufferSize = 1; // rounded up to one maximal datagram (64 KiB)
        socket.Bind(IPAddress.Any, 5000);
        replay.Capture.Start();
        SpinWait.SpinUntil(() => replay.Capture.HasEnded, TimeSpan.FromSeconds(30));
        var received = Replay.Drain(socket);
        Assert.InRange(received.Count, 1, 39);
        Assert.All(received, r => Assert.Equal(4000, r.Payload.Length));
        Assert.Equal(40 - received.Count, replay.Capture.Statistics[DropReason.ReceiveBufferFull]);
    }

    [Fact]
    public void SlowReceiver_ThePumpWaitsForRoom_NothingIsDropped()
    {
        var frames = Enumerable.Range(0, 40).Select(_ => Frame(4000)).ToArray();
        using var replay = new Replay(LinkType.EN10MB, frames);
        using var socket = replay.Capture.CreateSocket();
        socket.ReceiveBufferSize = 1; // one maximal datagram (64 KiB): 16 of these
        socket.Bind(IPAddress.Any, 5000);
        replay.Capture.Start();
        var received = 0;
        var buffer = new byte[65536];
        for (var i = 0; i < 100 && received < 40; i++)
        {
            // Slower than the pump, but never gone for as long as it waits for room.
            Thread.Sleep(2);
            if (socket.Receive(buffer, TimeSpan.FromSeconds(5)).IsReceived)
                received++;
        }
        Assert.Equal(40, received);
        Assert.Equal(0, replay.Capture.Statistics[DropReason.ReceiveBufferFull]);
    }

    [Fact]
    public void CloseFromAnotherThread_EndsAWaitingReceive()
    {
        // A source that never ends: a live-like capture with no packets.
        using var capture = UdpcapCapture.Create(new SilentSource());
        var socket = capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        var receiving = Task.Run(() => socket.Receive(new byte[10], Timeout.InfiniteTimeSpan));
        Thread.Sleep(50);
        socket.Close();
        var error = Assert.Throws<AggregateException>(() => receiving.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal(UdpcapError.Closed, Assert.IsType<UdpcapException>(error.InnerException).Error);
    }

    [Fact]
    public async Task ReceiveAsync_DeliversThenEnds_AndHonoursCancellation()
    {
        using (var replay = new Replay(LinkType.EN10MB, Frame(3)))
        {
            using var socket = replay.Capture.CreateSocket();
            socket.Bind(IPAddress.Any, 5000);
            var buffer = new byte[10];
            var first = await socket.ReceiveAsync(buffer);
            Assert.Equal(3, first.Length);
            Assert.Equal(ReceiveStatus.EndOfCapture, (await socket.ReceiveAsync(buffer)).Status);
        }
        using var capture = UdpcapCapture.Create(new SilentSource());
        using var waiting = capture.CreateSocket();
        waiting.Bind(IPAddress.Any, 5000);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting.ReceiveAsync(new byte[10], cancel.Token));
        var pending = waiting.ReceiveAsync(new byte[10]).AsTask();
        waiting.Close();
        Assert.Equal(UdpcapError.Closed, (await Assert.ThrowsAsync<UdpcapException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)))).Error);
    }

    [Fact]
    public void DisposedCapture_ClosesItsSockets()
    {
        var replay = new Replay(LinkType.EN10MB, Frame(3));
        var socket = replay.Capture.CreateSocket();
        socket.Bind(IPAddress.Any, 5000);
        replay.Dispose();
        Assert.Equal(UdpcapError.Closed, Assert.Throws<UdpcapException>(() => socket.Receive(new byte[1], TimeSpan.Zero)).Error);
        Assert.Equal(UdpcapError.Closed, Assert.Throws<UdpcapException>(() => replay.Capture.CreateSocket()).Error);
    }

    /// <summary>A source that reports a read timeout every few milliseconds and never ends until disposed.</summary>
    private sealed class SilentSource : Bpf.Vm.Capture.IPacketSource
    {
        private volatile bool _closed;

        public LinkType LinkType => LinkType.EN10MB;

        public int Snaplen => 65535;

        public bool TryReadPacket(out Bpf.Vm.Capture.CapturedPacket packet) =>
            ((Bpf.Vm.Capture.IPacketSource)this).ReadPacket(out packet) == Bpf.Vm.Capture.PacketReadStatus.Packet;

        public Bpf.Vm.Capture.PacketReadStatus ReadPacket(out Bpf.Vm.Capture.CapturedPacket packet)
        {
            packet = default;
            if (_closed)
                return Bpf.Vm.Capture.PacketReadStatus.End;
            Thread.Sleep(5);
            return Bpf.Vm.Capture.PacketReadStatus.Timeout;
        }

        public void Dispose() => _closed = true;
    }
}
