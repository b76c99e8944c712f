using System.Buffers.Binary;
using System.Net;
using BenchmarkDotNet.Attributes;
using Bpf.Vm;
using Bpf.Vm.Capture;
using Udpcap;

namespace Bpf.Benchmarks;

/// <summary>
/// Datagrams per second through the whole Udpcap receive path on one thread: managed capture filter,
/// framing, IPv4 and UDP checks (checksums verified), demultiplexer, socket buffer, and
/// <see cref="UdpcapSocket.Receive"/>, from an in-memory capture of 100-byte Ethernet/IPv4/UDP datagrams.
/// </summary>
[MemoryDiagnoser]
public class UdpcapBenchmarks
{
    private const int Batch = 4096;
    private UdpcapCapture _capture = null!;
    private UdpcapSocket _socket = null!;
    private UdpcapSocket _other = null!;
    private readonly byte[] _buffer = new byte[2048];

    [GlobalSetup]
    public void Setup()
    {
        var frames = Enumerable.Range(0, 64).Select(i => Frame(i)).ToArray();
        _capture = UdpcapCapture.Create(new MemorySource(frames));
        _capture.ManualPump = true;
        // A second socket on another port makes the demultiplexer choose.
        _other = _capture.CreateSocket();
        _other.Bind(IPAddress.Any, 6000);
        _socket = _capture.CreateSocket();
        _socket.Bind(IPAddress.Any, 5000);
    }

    [GlobalCleanup]
    public void Cleanup() => _capture.Dispose();

    [Benchmark(OperationsPerInvoke = Batch)]
    public int DatagramThroughDemultiplexerToSocket()
    {
        var total = 0;
        for (var i = 0; i < Batch; i++)
        {
            _capture.PumpOne();
            total += _socket.Receive(_buffer, TimeSpan.Zero).Length;
        }
        if (total != Batch * 100)
            throw new InvalidOperationException($"received {total} bytes, expected {Batch * 100}: {_capture.Statistics}");
        return total;
    }

    private static byte[] Frame(int i)
    {
        var frame = new byte[14 + 20 + 8 + 100];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 128);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)i);
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], 0x0A000001);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], 0x0A000002);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip[..20]));
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 4000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 108);
        for (var b = 0; b < 100; b++)
            udp[8 + b] = (byte)(b + i);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], InternetChecksum.Compute(udp, InternetChecksum.PseudoHeader(0x0A000001, 0x0A000002, 108)));
        return frame;
    }

    /// <summary>An endless capture cycling over a few frames, allocation-free.</summary>
    private sealed class MemorySource(byte[][] frames) : IPacketSource
    {
        private int _next;

        public LinkType LinkType => LinkType.EN10MB;

        public int Snaplen => 262144;

        public bool TryReadPacket(out CapturedPacket packet)
        {
            var frame = frames[_next];
            _next = (_next + 1) % frames.Length;
            packet = new CapturedPacket(frame, (uint)frame.Length, _next * 1000L, LinkType.EN10MB);
            return true;
        }

        public PacketReadStatus ReadPacket(out CapturedPacket packet) =>
            TryReadPacket(out packet) ? PacketReadStatus.Packet : PacketReadStatus.End;

        public void Dispose()
        {
        }
    }
}
