using Bpf.Compiler;
using Bpf.Vm;

namespace Udpcap.Tests;

/// <summary>The generated capture filter: its text, and that our compiler accepts it and it matches what it should.</summary>
public class CaptureFilterBuilderTests
{
    private static SocketBinding Binding(string address, ushort port, bool loopback = true, params string[] groups) =>
        new(PacketBuilder.Ip(address), port, [.. groups.Select(PacketBuilder.Ip)], loopback, new DatagramQueue(0));

    [Fact]
    public void Unicast_AnyAddress_HasEcalShape()
    {
        var text = CaptureFilterBuilder.Build([Binding("0.0.0.0", 5000), Binding("0.0.0.0", 53)], LinkType.RAW, []);
        Assert.Equal("ip and udp and (udp dst port 53 or udp dst port 5000 or (ip[6:2] & 0x3fff != 0)) and not ip multicast", text);
    }

    [Fact]
    public void BoundAddressesGroupsAndLoopbackOff_AppearInTheFilter()
    {
        var text = CaptureFilterBuilder.Build([Binding("10.0.0.2", 5000, false, "239.1.1.1")], LinkType.LINUX_SLL, [PacketBuilder.Ip("192.0.2.7")]);
        Assert.Equal("ip and udp and (udp dst port 5000 or (ip[6:2] & 0x3fff != 0)) and ((not ip multicast and (dst host 10.0.0.2)) or " +
                     "(ip multicast and (dst host 239.1.1.1))) and not (ip multicast and (src net 127.0.0.0/8 or src host 192.0.2.7))", text);
    }

    [Fact]
    public void NothingBound_NoFilter() => Assert.Null(CaptureFilterBuilder.Build([], LinkType.EN10MB, []));

    [Theory]
    [InlineData(LinkType.EN10MB)]
    [InlineData(LinkType.LINUX_SLL)]
    [InlineData(LinkType.LINUX_SLL2)]
    [InlineData(LinkType.NULL)]
    [InlineData(LinkType.RAW)]
    public void GeneratedFilters_CompileWithOurCompiler(LinkType linkType)
    {
        var text = CaptureFilterBuilder.Build([Binding("0.0.0.0", 1, false, "224.0.0.1", "239.255.255.250"), Binding("127.0.0.1", 2)], linkType, [1, 2])!;
        var program = FilterCompiler.Compile(text, linkType, 262144);
        Assert.True(program.Instructions.Length > 5);
    }
}
