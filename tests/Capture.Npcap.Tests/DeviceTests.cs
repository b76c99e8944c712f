using System.Net;
using Bpf.Testing;
using Bpf.Vm;
using Bpf.Vm.Capture;

namespace Capture.Npcap.Tests;

/// <summary>Listing, opening, closing, sending and statistics on Linux <c>lo</c>.</summary>
public sealed class DeviceTests
{
    [RootFact]
    public void List_HasTheLoopbackDevice_WithItsAddressAndLinkType()
    {
        var devices = LiveDevices.List();
        var lo = Assert.Single(devices, d => d.Name == "lo");
        Assert.True(lo.IsLoopback);
        Assert.True(lo.IsUp);
        Assert.Equal(LinkType.EN10MB, lo.LinkType);
        Assert.Contains(lo.Addresses, a => IPAddress.Loopback.Equals(a.Address) && IPAddress.Parse("255.0.0.0").Equals(a.Netmask));
        Assert.Equal("lo", LiveDevices.FindLoopback()?.Name);
    }

    [RootFact]
    public void Open_UnknownName_ThrowsNoSuchDevice()
    {
        var e = Assert.Throws<LiveCaptureException>(() => LiveDevice.Open("bpf-no-such-if"));
        Assert.Equal(LiveCaptureError.NoSuchDevice, e.Error);
    }

    [RootFact]
    public void Open_ReportsLinkTypeSnaplenAndNanosecondStamps()
    {
        using var device = LiveDevice.Open("lo", new LiveCaptureOptions { Snaplen = 1500 });
        Assert.Equal(LinkType.EN10MB, device.LinkType);
        Assert.Equal(1500, device.Snaplen);
        Assert.True(device.HasNanosecondTimestamps);
        Assert.Equal(FilterLocation.None, device.FilterLocation);
    }

    [RootFact]
    public void Close_FromAnotherThread_EndsABlockedRead()
    {
        using var udp = new Udp();
        var silentPort = udp.BindFreePort();
        var device = LiveDevice.Open("lo", new LiveCaptureOptions { ReadTimeout = Timeout.InfiniteTimeSpan });
        device.SetFilter($"udp and port {silentPort}");
        using var reading = new ManualResetEventSlim();
        var reader = Task.Run(() =>
        {
            reading.Set();
            return device.ReadPacket(out _);
        });
        Assert.True(reading.Wait(TimeSpan.FromSeconds(5)));
        Thread.Sleep(100); // let it block in the read
        Assert.False(reader.IsCompleted, "nothing was sent, so the read must still wait");
        device.Close();
        Assert.True(reader.Wait(TimeSpan.FromSeconds(5)), "the blocked read returned after Close");
        Assert.Equal(PacketReadStatus.End, reader.Result);
        Assert.True(device.IsClosed);
        Assert.Equal(PacketReadStatus.End, device.ReadPacket(out _));
        Assert.Throws<ObjectDisposedException>(() => device.Send([1, 2, 3]));
        device.Dispose(); // a second close is harmless
    }

    [RootFact]
    public void Send_WithRepeat_PutsExactlyThatManyFramesOnTheWire()
    {
        const ushort EtherType = 0x88b5; // IEEE 802 local experimental
        using var capture = LoopbackCaptureTests.OpenLoopback(snaplen: 4096);
        using var sender = LiveDevice.Open("lo");
        capture.SetFilter($"ether proto 0x{EtherType:x4}");
        Capture.WarmUp(capture, i => sender.Send(Frame(EtherType, 0, i)), p => p.Data[14] == 0);

        const int Repeat = 7;
        var burst = Frame(EtherType, 1, 42);
        sender.Send(burst, Repeat);
        var got = Capture.Read(capture, Capture.Patience, got => got.Count(p => p.Data[14] == 1) == Repeat);
        got.AddRange(Capture.Read(capture, TimeSpan.FromMilliseconds(300)));
        var bursts = got.Where(p => p.Data[14] == 1).ToList();
        Assert.Equal(Repeat, bursts.Count);
        Assert.All(bursts, p => Assert.Equal(burst, p.Data));
    }

    [RootFact]
    public void StatisticsMode_CountsThePacketsAndBytesThatPassTheFilter()
    {
        using var udp = new Udp();
        var port = udp.BindFreePort();
        var other = udp.BindFreePort();
        using var device = LiveDevice.Open("lo", new LiveCaptureOptions { ReadTimeout = TimeSpan.FromMilliseconds(200), BufferSize = 32 << 20, Snaplen = 4096 });
        device.SetFilter($"udp and port {port}");
        Capture.WarmUp(device, i => udp.Send(port, Udp.Payload("warmup", i, port)), _ => true);
        Capture.Read(device, TimeSpan.FromMilliseconds(200)); // drain late warm-up copies, if any

        device.StatisticsMode = true;
        Assert.Throws<InvalidOperationException>(() => device.ReadPacket(out _));
        const int Count = 12, PayloadLength = 50;
        for (var i = 0; i < Count; i++)
        {
            udp.Send(port, Udp.Payload("count", i, port, PayloadLength));
            udp.Send(other, Udp.Payload("other", i, other, PayloadLength));
        }
        ulong packets = 0, bytes = 0;
        var deadline = DateTime.UtcNow + Capture.Patience;
        while (packets < Count && DateTime.UtcNow < deadline)
        {
            Assert.Equal(PacketReadStatus.Packet, device.ReadStatistics(out var report));
            packets += report.Packets;
            bytes += report.Bytes;
        }
        Assert.Equal(PacketReadStatus.Packet, device.ReadStatistics(out var quiet));
        Assert.Equal((ulong)Count, packets);
        Assert.Equal((ulong)(Count * Udp.FrameLength(PayloadLength)), bytes);
        Assert.Equal(0UL, quiet.Packets);

        device.StatisticsMode = false;
        Assert.Equal(PacketReadStatus.Timeout, device.ReadPacket(out _));
    }

    [RootFact]
    public void SetFilter_ProgramLibpcapRejects_ThrowsAndKeepsTheDeviceUnfiltered()
    {
        using var device = LiveDevice.Open("lo");
        var jumpsOut = new BpfProgram([Instruction.Jump(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 0, 5, 0), Instruction.Stmt(Opcodes.Ret | Opcodes.K, 1)]);
        Assert.Throws<BpfValidationException>(() => device.SetFilter(jumpsOut));
        Assert.Equal(FilterLocation.None, device.FilterLocation);
        Assert.Throws<Bpf.Compiler.FilterCompileException>(() => device.SetFilter("udp and port"));
    }

    /// <summary>An Ethernet frame of our experimental ethertype: marker byte, then a counter, padded to 60 bytes.</summary>
    private static byte[] Frame(ushort etherType, byte marker, int counter)
    {
        var frame = new byte[60];
        frame.AsSpan(0, 6).Fill(0xff);
        frame[6] = 0x02; // locally administered source
        frame[12] = (byte)(etherType >> 8);
        frame[13] = (byte)etherType;
        frame[14] = marker;
        BitConverter.TryWriteBytes(frame.AsSpan(15), counter);
        return frame;
    }
}
