using System.Buffers.Binary;
using Bpf.Compiler;
using Bpf.Testing;

namespace Capture.Npcap.Tests;

/// <summary>
/// 802.1Q-tagged frames over a veth pair into a namespace of the test's own. The receiving kernel
/// strips the tag into metadata before the socket filter runs, so only programs with the ancillary
/// VLAN loads (what libpcap compiles for live Linux handles) can match it.
/// </summary>
public sealed class VlanTests
{
    [RootFact]
    public void VlanFilters_RunInTheKernel_AndPassOnlyTheirVlan()
    {
        using var veth = new VethPair("bpflv", hostEnd: true);
        var options = new LiveCaptureOptions { ReadTimeout = TimeSpan.FromMilliseconds(50) };
        using var vlan42 = veth.InsideB(() => LiveDevice.Open(veth.NameB, options));
        using var vlan43 = veth.InsideB(() => LiveDevice.Open(veth.NameB, options));
        using var libpcap42 = veth.InsideB(() => LiveDevice.Open(veth.NameB, options));
        using var sender = LiveDevice.Open(veth.NameA, options);
        vlan42.SetFilter("vlan 42 and udp");
        libpcap42.SetFilter(Programs.LibpcapLiveVlanUdp(42));
        vlan43.SetFilter("vlan 43");
        Assert.Equal(FilterLocation.Kernel, vlan42.FilterLocation);
        Assert.Equal(FilterLocation.Kernel, vlan43.FilterLocation);
        // The kernel runs our compiler's programs, which test the tag with the ancillary loads.
        Assert.Equal(vlan42.Filter, vlan42.ReadKernelFilter());
        Assert.Equal(vlan43.Filter, vlan43.ReadKernelFilter());
        Assert.Contains(vlan42.Filter!, IsVlanTagPresentLoad);
        Assert.Contains(vlan43.Filter!, IsVlanTagPresentLoad);

        Capture.WarmUp(vlan42, i => sender.Send(TaggedUdp(42, 0, i)), p => p.Data.Length > 0);
        Capture.WarmUp(vlan43, i => sender.Send(TaggedUdp(43, 0, i)), p => p.Data.Length > 0);
        Capture.WarmUp(libpcap42, i => sender.Send(TaggedUdp(42, 0, i)), p => p.Data.Length > 0);
        Capture.Read(vlan42, TimeSpan.FromMilliseconds(200));
        Capture.Read(vlan43, TimeSpan.FromMilliseconds(200));
        Capture.Read(libpcap42, TimeSpan.FromMilliseconds(200));

        const int Count = 5;
        var frames42 = Enumerable.Range(0, Count).Select(i => TaggedUdp(42, 1, i)).ToList();
        var frames43 = Enumerable.Range(0, Count).Select(i => TaggedUdp(43, 1, i)).ToList();
        for (var i = 0; i < Count; i++)
        {
            sender.Send(frames42[i]);
            sender.Send(frames43[i]);
            sender.Send(UntaggedUdp(i));
        }
        var got42 = Capture.Read(vlan42, Capture.Patience, got => got.Count == Count);
        got42.AddRange(Capture.Read(vlan42, TimeSpan.FromMilliseconds(300)));
        var got43 = Capture.Read(vlan43, Capture.Patience, got => got.Count == Count);
        got43.AddRange(Capture.Read(vlan43, TimeSpan.FromMilliseconds(300)));
        var gotLibpcap42 = Capture.Read(libpcap42, Capture.Patience, got => got.Count == Count);
        gotLibpcap42.AddRange(Capture.Read(libpcap42, TimeSpan.FromMilliseconds(300)));

        // libpcap puts the stripped tag back, so the capture equals the frame sent, byte for byte.
        Assert.Equal(frames42, got42.Select(p => p.Data));
        Assert.Equal(frames43, got43.Select(p => p.Data));
        // libpcap's own live program, installed as is, agrees with ours.
        Assert.Equal(frames42, gotLibpcap42.Select(p => p.Data));
    }

    [RootFact]
    public void KernelVlanProgram_TestsTheStrippedTag_WhileAFrameTagProgramSeesOnlyTheInnerTag()
    {
        using var veth = new VethPair("bpflv", hostEnd: true);
        var options = new LiveCaptureOptions { ReadTimeout = TimeSpan.FromMilliseconds(50) };
        using var inKernel = veth.InsideB(() => LiveDevice.Open(veth.NameB, options));
        using var fromFrame = veth.InsideB(() => LiveDevice.Open(veth.NameB, options));
        using var sender = LiveDevice.Open(veth.NameA, options);
        inKernel.SetFilter("vlan 42");
        // What a capture file needs: the tag read from packet data. The kernel has moved the outer tag
        // into metadata by then, so in a double-tagged frame this program sees the inner tag.
        fromFrame.SetFilter(FilterCompiler.Compile("vlan 42", fromFrame.LinkType, fromFrame.Snaplen));
        Assert.Equal(FilterLocation.Kernel, fromFrame.FilterLocation);
        Assert.DoesNotContain(fromFrame.Filter!, IsVlanTagPresentLoad);

        Capture.WarmUp(inKernel, i => sender.Send(TaggedUdp(42, 0, i)), _ => true);
        Capture.WarmUp(fromFrame, i => sender.Send(DoubleTagged(7, 42, 0, i)), _ => true);
        Capture.Read(inKernel, TimeSpan.FromMilliseconds(200));
        Capture.Read(fromFrame, TimeSpan.FromMilliseconds(200));

        const int Count = 3;
        var single = Enumerable.Range(0, Count).Select(i => TaggedUdp(42, 1, i)).ToList();
        var outer42 = Enumerable.Range(0, Count).Select(i => DoubleTagged(42, 7, 1, i)).ToList();
        var inner42 = Enumerable.Range(0, Count).Select(i => DoubleTagged(7, 42, 1, i)).ToList();
        for (var i = 0; i < Count; i++)
        {
            sender.Send(single[i]);
            sender.Send(outer42[i]);
            sender.Send(inner42[i]);
        }
        var kernelGot = Capture.Read(inKernel, Capture.Patience, got => got.Count == 2 * Count);
        kernelGot.AddRange(Capture.Read(inKernel, TimeSpan.FromMilliseconds(300)));
        var frameGot = Capture.Read(fromFrame, Capture.Patience, got => got.Count == Count);
        frameGot.AddRange(Capture.Read(fromFrame, TimeSpan.FromMilliseconds(300)));

        // Outer tag 42 (in metadata): the kernel program matches single-tagged and outer-42 frames.
        Assert.Equal(single.Zip(outer42, (a, b) => new[] { a, b }).SelectMany(x => x), kernelGot.Select(p => p.Data));
        // Tag 42 left in the frame: only the frames whose inner tag is 42.
        Assert.Equal(inner42, frameGot.Select(p => p.Data));
    }

    private static bool IsVlanTagPresentLoad(Bpf.Vm.Instruction insn) =>
        insn.Code == (Bpf.Vm.Opcodes.Ld | Bpf.Vm.Opcodes.B | Bpf.Vm.Opcodes.Abs) && insn.K == Bpf.Vm.AncillaryOffsets.AdOffset + 48;

    /// <summary>An 802.1Q-tagged IPv4/UDP broadcast frame; <paramref name="marker"/> and <paramref name="index"/> make it unique.</summary>
    private static byte[] TaggedUdp(ushort vid, byte marker, int index)
    {
        var inner = UntaggedUdp(index, marker);
        var frame = new byte[inner.Length + 4];
        inner.AsSpan(0, 12).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), vid);
        inner.AsSpan(12).CopyTo(frame.AsSpan(16));
        return frame;
    }

    /// <summary>A QinQ-style frame: 802.1Q tag <paramref name="outer"/>, then 802.1Q tag <paramref name="inner"/>.</summary>
    private static byte[] DoubleTagged(ushort outer, ushort inner, byte marker, int index)
    {
        var once = TaggedUdp(inner, (byte)(marker + 4), index);
        var frame = new byte[once.Length + 4];
        once.AsSpan(0, 12).CopyTo(frame);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14), outer);
        once.AsSpan(12).CopyTo(frame.AsSpan(16));
        return frame;
    }

    private static byte[] UntaggedUdp(int index, byte marker = 2)
    {
        var frame = new byte[14 + 20 + 8 + 32];
        frame.AsSpan(0, 6).Fill(0xff);
        byte[] source = [0x02, 0, 0, 0, 0, 1];
        source.CopyTo(frame, 6);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - 14));
        ip[8] = 64;
        ip[9] = 17;
        byte[] addresses = [10, 99, 0, 1, 10, 99, 0, 255];
        addresses.CopyTo(ip[12..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum(ip[..20]));
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 40001);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udp.Length);
        udp[8] = marker;
        BinaryPrimitives.WriteInt32BigEndian(udp[9..], index);
        return frame;
    }

    private static ushort Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (var i = 0; i < header.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }
}
