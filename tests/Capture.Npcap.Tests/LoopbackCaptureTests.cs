using System.Text;
using Bpf.Testing;
using Bpf.Vm;

namespace Capture.Npcap.Tests;

/// <summary>Live captures on Linux <c>lo</c> while real UDP sockets send to 127.0.0.1.</summary>
public sealed class LoopbackCaptureTests
{
    // Ring frames are sized for the snapshot length (capped by lo's 64 KiB MTU): with the default
    // snaplen a 32 MiB buffer holds a few hundred packets, with 4 KiB thousands, so a burst the test
    // sends before it reads, plus whatever other tests put on lo meanwhile, fits.
    internal static LiveDevice OpenLoopback(int snaplen = LiveCaptureOptions.DefaultSnaplen) =>
        LiveDevice.Open("lo", new LiveCaptureOptions { ReadTimeout = TimeSpan.FromMilliseconds(50), BufferSize = 32 << 20, Snaplen = snaplen });

    private static BpfProgram LibpcapProgram(string expression)
    {
        var program = Libpcap.Compile(LinkType.EN10MB, LiveCaptureOptions.DefaultSnaplen, expression, optimize: true, out var error);
        Assert.True(program is not null, error);
        return new BpfProgram(program);
    }

    private static string Tag(Captured packet) =>
        Udp.TryParse(packet.Data, out _, out var payload) ? Encoding.ASCII.GetString(payload[1..]).Split(':')[0] : "";

    [RootFact]
    public void UdpPortFilter_DeliversExactlyTheMatchingDatagrams_ByteForByte()
    {
        using var udp = new Udp();
        var port = udp.BindFreePort();
        int[] otherPorts = [udp.BindFreePort(), udp.BindFreePort()];
        using var device = OpenLoopback();
        var expression = $"udp and port {port}";
        device.SetFilter(expression);
        Assert.Equal(expression, device.FilterExpression);
        Assert.Equal(FilterLocation.Kernel, device.FilterLocation);
        // The kernel runs our compiler's program, which is what libpcap compiles for the expression.
        Assert.Equal(LibpcapProgram(expression), device.ReadKernelFilter());
        Assert.Equal(device.Filter, device.ReadKernelFilter());

        Capture.WarmUp(device, i => udp.Send(port, Udp.Payload("warmup", i, port)), p => Tag(p) == "warmup");

        var expected = new List<byte[]>();
        for (var i = 0; i < 20; i++)
        {
            var payload = Udp.Payload("match", i, port, length: 16 + i * 37);
            expected.Add(payload);
            udp.Send(port, payload);
            foreach (var other in otherPorts)
                udp.Send(other, Udp.Payload("other", i, other));
        }
        var captured = Capture.Read(device, Capture.Patience, got => got.Count(p => Tag(p) == "match") == expected.Count);
        captured.AddRange(Capture.Read(device, TimeSpan.FromMilliseconds(300)));

        var matches = captured.Where(p => Tag(p) != "warmup").ToList();
        Assert.All(matches, p =>
        {
            Assert.True(Udp.TryParse(p.Data, out var destination, out _));
            Assert.Equal(port, destination);
        });
        Assert.True(expected.Count == matches.Count, $"{matches.Count} of {expected.Count} arrived; {device.Statistics}");
        for (var i = 0; i < expected.Count; i++)
        {
            Udp.TryParse(matches[i].Data, out _, out var payload);
            Assert.Equal(expected[i], payload.ToArray());
            Assert.Equal((uint)Udp.FrameLength(expected[i].Length), matches[i].WireLength);
            Assert.Equal(matches[i].WireLength, (uint)matches[i].Data.Length);
        }
    }

    [RootFact]
    public void HandWrittenProgram_RunsInTheKernel_FiltersOnPayloadAndTruncatesTo77()
    {
        using var udp = new Udp();
        var port = udp.BindFreePort();
        using var device = OpenLoopback(snaplen: 4096);
        var program = Programs.MagicUdp(port);
        device.SetFilter(program);

        Assert.Equal(FilterLocation.Kernel, device.FilterLocation);
        Assert.Equal(program, device.ReadKernelFilter());
        AssertMagicFiltering(device, udp, port);
    }

    [RootFact]
    public void ProgramTheKernelRefuses_RunsInManagedCode_WithTheSameResults()
    {
        using var udp = new Udp();
        var port = udp.BindFreePort();
        using var device = OpenLoopback(snaplen: 4096);
        var program = Programs.MagicUdp(port, kernelRefused: true);
        Assert.True(Libpcap.Validate(program.AsSpan()), "libpcap accepts the program");
        device.SetFilter(program);

        Assert.Equal(FilterLocation.Managed, device.FilterLocation);
        Assert.Contains("kernel refuses", device.FilterMessage);
        Assert.Equal(program, device.Filter);
        // The kernel runs an accept-all program meanwhile.
        var kernel = device.ReadKernelFilter();
        Assert.NotNull(kernel);
        var single = Assert.Single(kernel);
        Assert.True(single.IsReturn);
        Assert.Equal((uint)device.Snaplen, single.K);

        AssertMagicFiltering(device, udp, port);
        Assert.True(device.Statistics.ManagedRejected > 0, "the managed filter saw and rejected the other datagrams");
    }

    /// <summary>Only datagrams to the port whose payload starts with 0x5A arrive, cut to 77 bytes.</summary>
    private static void AssertMagicFiltering(LiveDevice device, Udp udp, int port)
    {
        const int PayloadLength = 100;
        Capture.WarmUp(device, i => udp.Send(port, Udp.Payload("warmup", i, port, PayloadLength, (byte)Programs.MagicByte)), p => p.Data.Length > 0);
        var expected = new List<byte[]>();
        for (var i = 0; i < 10; i++)
        {
            var magic = Udp.Payload("magic", i, port, PayloadLength, (byte)Programs.MagicByte);
            expected.Add(magic);
            udp.Send(port, Udp.Payload("plain", i, port, PayloadLength));
            udp.Send(port, magic);
        }
        var captured = Capture.Read(device, Capture.Patience, got => got.Count(p => Tag(p) == "magic") == expected.Count);
        captured.AddRange(Capture.Read(device, TimeSpan.FromMilliseconds(300)));

        var magics = captured.Where(p => Tag(p) != "warmup").ToList();
        Assert.True(expected.Count == magics.Count, $"{magics.Count} of {expected.Count} arrived; {device.Statistics}");
        var headers = Udp.FrameLength(0);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal((int)Programs.TruncatedLength, magics[i].Data.Length);
            Assert.Equal((uint)Udp.FrameLength(PayloadLength), magics[i].WireLength);
            Assert.Equal(expected[i].AsSpan(0, (int)Programs.TruncatedLength - headers).ToArray(), magics[i].Data[headers..]);
        }
    }
}
