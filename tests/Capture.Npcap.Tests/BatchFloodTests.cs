using System.Buffers.Binary;
using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Npcap.Tests;

/// <summary>
/// Batched reads (<see cref="LiveDevice.ReadBatch"/>) under a moderate flood through a veth pair of our own:
/// every frame sent is captured once, in order, byte for byte. Correctness only: no rate is asserted.
/// </summary>
public sealed class BatchFloodTests
{
    private const int Frames = 20_000;
    private const int FrameLength = 100;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [RootFact]
    public void ReadBatch_Flood_EveryFrameOnceInOrderByteIdentical()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        using var sender = OpenSender(pair);
        Send(sender, Frames);

        var seen = ReadSequences(device, Frames, (seq, data) => Assert.Equal(Frame(seq), data));

        Assert.Equal(Enumerable.Range(0, Frames), seen);
        var stats = device.Statistics;
        Assert.Equal(0u, stats.Dropped);
        Assert.Equal(Frames, stats.Delivered);
    }

    [RootFact]
    public void ReadBatch_FloodThroughKernelFilter_KeepsExactlyTheMatchingFramesInOrder()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        device.SetFilter("udp port 5000");
        Assert.Equal(FilterLocation.Kernel, device.FilterLocation);
        using var sender = OpenSender(pair);
        Send(sender, Frames);

        var expected = Enumerable.Range(0, Frames).Where(IsToPort5000).ToList();
        var seen = ReadSequences(device, expected.Count, (seq, data) => Assert.Equal(Frame(seq), data));

        Assert.Equal(expected, seen);
        Assert.Equal(0u, device.Statistics.Dropped);
    }

    [RootFact]
    public void ReadBatch_SmallBatches_StopTheDispatchAtTheLimitAndLoseNothing()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        using var sender = OpenSender(pair);
        const int Count = 2_000;
        Send(sender, Count);

        // Seven packets a batch: libpcap's dispatch is stopped (pcap_breakloop) mid-block, over and over.
        var batch = new LivePacketBatch(maxPackets: 7);
        var seen = ReadSequences(device, Count, (seq, data) => Assert.Equal(Frame(seq), data), batch);

        Assert.Equal(Enumerable.Range(0, Count), seen);
    }

    [RootFact]
    public void ReadBatch_ManagedFilter_RunsOverTheBatchAndCutsToItsVerdict()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        // Reads scratch memory before writing it, which the kernel refuses (libpcap allows it: M[] starts at 0),
        // so the filter runs in managed code. Accepts frames whose sequence number is even, keeping 64 bytes.
        var program = new BpfProgram([
            Instruction.Stmt(Opcodes.Ld | Opcodes.Mem, 0),
            Instruction.Stmt(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 14 + 20 + 8 + 7),
            Instruction.Jump(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 1, 1, 0), // odd: skip to the rejection
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, 64),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, 0),
        ]);
        device.SetFilter(program);
        if (device.FilterLocation != FilterLocation.Managed)
        {
            Assert.Fail($"expected the kernel to refuse the program: {device.FilterMessage}");
            return;
        }
        using var sender = OpenSender(pair);
        const int Count = 2_000;
        Send(sender, Count);

        var expected = Enumerable.Range(0, Count).Where(s => (s & 1) == 0).ToList();
        var seen = ReadSequences(device, expected.Count, (seq, data) => Assert.Equal(Frame(seq).AsSpan(0, 64).ToArray(), data));

        Assert.Equal(expected, seen);
        Assert.Equal(Count - expected.Count, device.Statistics.ManagedRejected);
    }

    [RootFact]
    public void ReadInPlace_Flood_EveryFrameOnceInOrderByteIdentical()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        using var sender = OpenSender(pair);
        Send(sender, Frames);

        var consumer = new Collector((seq, data) => Assert.Equal(Frame(seq), data));
        var deadline = DateTime.UtcNow + Limit;
        while (consumer.Seen.Count < Frames && DateTime.UtcNow < deadline && device.ReadInPlace(consumer) != PacketReadStatus.End)
        {
        }

        Assert.Equal(Enumerable.Range(0, Frames), consumer.Seen);
        Assert.Equal(Frames, device.Statistics.Delivered);
        Assert.Equal(0u, device.Statistics.Dropped);
    }

    [RootFact]
    public void ReadInPlace_ManagedFilter_RunsPerPacketAndCutsToItsVerdict()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        device.SetFilter(EvenSequenceProgram);
        Assert.Equal(FilterLocation.Managed, device.FilterLocation);
        using var sender = OpenSender(pair);
        const int Count = 2_000;
        Send(sender, Count);

        var consumer = new Collector((seq, data) => Assert.Equal(Frame(seq).AsSpan(0, 64).ToArray(), data));
        var deadline = DateTime.UtcNow + Limit;
        while (consumer.Seen.Count < Count / 2 && DateTime.UtcNow < deadline && device.ReadInPlace(consumer) != PacketReadStatus.End)
        {
        }

        Assert.Equal(Enumerable.Range(0, Count).Where(s => (s & 1) == 0), consumer.Seen);
        Assert.Equal(Count / 2, device.Statistics.ManagedRejected);
    }

    [RootFact]
    public void ReadInPlace_ConsumerSaysStop_TheRestStaysForTheNextRead()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        using var sender = OpenSender(pair);
        Send(sender, 100);
        Thread.Sleep(200);

        var first = new Collector((_, _) => { }) { StopAfter = 7 };
        Assert.Equal(PacketReadStatus.Packet, device.ReadInPlace(first));
        var rest = new Collector((_, _) => { });
        var deadline = DateTime.UtcNow + Limit;
        while (rest.Seen.Count < 93 && DateTime.UtcNow < deadline && device.ReadInPlace(rest) != PacketReadStatus.End)
        {
        }

        Assert.Equal(Enumerable.Range(0, 7), first.Seen);
        Assert.Equal(Enumerable.Range(7, 93), rest.Seen);
    }

    [RootFact]
    public void ReadInPlace_ConsumerThrows_TheReadStopsAndRethrows()
    {
        using var pair = new VethPair("bpf18");
        using var device = OpenReceiver(pair, RoomyOptions);
        using var sender = OpenSender(pair);
        Send(sender, 10);

        var consumer = new Collector((seq, _) =>
        {
            if (seq == 3)
                throw new IOException("consumer failed at 3");
        });
        var deadline = DateTime.UtcNow + Limit;
        var error = Assert.Throws<IOException>(() =>
        {
            while (DateTime.UtcNow < deadline)
                device.ReadInPlace(consumer);
        });

        Assert.Equal("consumer failed at 3", error.Message);
        Assert.Equal([0, 1, 2], consumer.Seen);
    }

    /// <summary>Keeps the sequence numbers of the frames it is handed, checking each (inside the read, in the ring).</summary>
    private sealed class Collector(Action<int, byte[]> check) : IPacketConsumer
    {
        public List<int> Seen { get; } = [];

        public int? StopAfter { get; init; }

        public bool Consume(in CapturedPacket packet)
        {
            Assert.Equal(LinkType.EN10MB, packet.LinkType);
            Assert.Equal((uint)FrameLength, packet.WireLength);
            var seq = (int)BinaryPrimitives.ReadUInt32BigEndian(packet.Data[(14 + 20 + 8 + 4)..]);
            check(seq, packet.Data.ToArray());
            Seen.Add(seq);
            return Seen.Count != StopAfter;
        }
    }

    /// <summary>
    /// Reads scratch memory before writing it, which the kernel refuses (libpcap allows it: M[] starts at 0), so it
    /// runs in managed code. Accepts frames whose sequence number is even, keeping 64 bytes.
    /// </summary>
    private static BpfProgram EvenSequenceProgram => new([
        Instruction.Stmt(Opcodes.Ld | Opcodes.Mem, 0),
        Instruction.Stmt(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 14 + 20 + 8 + 7),
        Instruction.Jump(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 1, 1, 0), // odd: skip to the rejection
        Instruction.Stmt(Opcodes.Ret | Opcodes.K, 64),
        Instruction.Stmt(Opcodes.Ret | Opcodes.K, 0),
    ]);

    [RootFact]
    public void Statistics_AfterClose_AreTheCountersReadJustBeforeClosing()
    {
        using var pair = new VethPair("bpf18");
        var device = OpenReceiver(pair, new LiveCaptureOptions { Snaplen = 128 });
        using var sender = OpenSender(pair);
        const int Count = 300;
        Send(sender, Count);
        ReadSequences(device, Count, (_, _) => { });

        device.Close();

        var stats = device.Statistics;
        Assert.True(stats.Received >= Count, $"received {stats.Received}");
        Assert.Equal(Count, stats.Delivered);
        Assert.Equal(PacketReadStatus.End, device.ReadBatch(new LivePacketBatch()));
    }

    /// <summary>Opens end B (in namespace <c>bpf18r…</c>) for capture.</summary>
    private static LiveDevice OpenReceiver(VethPair pair, LiveCaptureOptions? options = null) => pair.InsideB(() => LiveDevice.Open(pair.NameB, options));

    /// <summary>Opens end A (in namespace <c>bpf18s…</c>) for <see cref="LiveDevice.Send"/>.</summary>
    private static LiveDevice OpenSender(VethPair pair) => pair.InsideA(() => LiveDevice.Open(pair.NameA, new LiveCaptureOptions { Snaplen = 128 }));

    /// <summary>32 MiB of ring: the whole flood fits even if the reader is not scheduled, so loss would be ours.</summary>
    private static LiveCaptureOptions RoomyOptions => new() { BufferSize = 32 << 20, ReadTimeout = TimeSpan.FromMilliseconds(50) };

    private static bool IsToPort5000(int seq) => seq % 10 == 0;

    private static void Send(LiveDevice sender, int count)
    {
        for (var seq = 0; seq < count; seq++)
        {
            sender.Send(Frame(seq));
            if (seq % 200 == 199)
                Thread.Sleep(1); // a moderate flood: let the receiving softirq drain the backlog
        }
    }

    /// <summary>Reads until <paramref name="count"/> of our frames arrived (or the time limit), checking each; returns their sequence numbers in arrival order.</summary>
    private static List<int> ReadSequences(LiveDevice device, int count, Action<int, byte[]> check, LivePacketBatch? batch = null)
    {
        batch ??= new LivePacketBatch();
        var seen = new List<int>(count);
        var deadline = DateTime.UtcNow + Limit;
        while (seen.Count < count && DateTime.UtcNow < deadline)
        {
            var status = device.ReadBatch(batch);
            if (status == PacketReadStatus.End)
                break;
            if (status != PacketReadStatus.Packet)
                continue;
            Assert.InRange(batch.Count, 1, int.MaxValue);
            for (var i = 0; i < batch.Count; i++)
            {
                var packet = batch[i];
                Assert.Equal(LinkType.EN10MB, packet.LinkType);
                Assert.Equal((uint)FrameLength, packet.WireLength);
                Assert.Equal(packet.Data.ToArray(), batch.Slices[i].Data.ToArray());
                var seq = (int)BinaryPrimitives.ReadUInt32BigEndian(packet.Data[(14 + 20 + 8 + 4)..]);
                check(seq, packet.Data.ToArray());
                seen.Add(seq);
            }
        }
        return seen;
    }

    /// <summary>A 100-byte Ethernet/IPv4/UDP frame: to port 5000 when <paramref name="seq"/> is a multiple of 10, else 5001; the payload carries <paramref name="seq"/>.</summary>
    private static byte[] Frame(int seq)
    {
        var frame = new byte[FrameLength];
        var f = frame.AsSpan();
        f[0] = 0x02; f[5] = 0x02; // destination 02:00:00:00:00:02 (nobody's)
        f[6] = 0x02; f[11] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(f[12..], 0x0800);
        var ip = f[14..];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], FrameLength - 14);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)seq);
        ip[8] = 64;
        ip[9] = 17;
        ip[12] = 10; ip[13] = 18; ip[15] = 1;
        ip[16] = 10; ip[17] = 18; ip[19] = 2;
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], (ushort)(IsToPort5000(seq) ? 5000 : 5001));
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], FrameLength - 14 - 20);
        "bpf1"u8.CopyTo(udp[8..]);
        BinaryPrimitives.WriteUInt32BigEndian(udp[12..], (uint)seq);
        return frame;
    }
}
