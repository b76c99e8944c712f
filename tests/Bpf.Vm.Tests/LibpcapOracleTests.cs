using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Vm.Tests;

public class LibpcapOracleTests
{
    [LibpcapFact]
    public void Compile_TcpPort80_AcceptsWithSnaplen()
    {
        var program = Libpcap.Compile(LinkType.EN10MB, 262144, "ip", optimize: true, out var error);
        Assert.Null(error);
        Assert.NotNull(program);
        Assert.Equal(new Instruction(0x28, 0, 0, 12), program[0]);
        Assert.Equal(new Instruction(0x6, 0, 0, 262144), program[2]);
        var ipv4 = new byte[14];
        ipv4[12] = 0x08;
        Assert.Equal(262144u, Libpcap.Filter(program, ipv4, 60));
        Assert.Equal(0u, Libpcap.Filter(program, ipv4.AsSpan(0, 13), 60));
    }

    [LibpcapFact]
    public void ReadFile_Corpus_ReadsPackets()
    {
        var (linkType, _, packets) = Libpcap.ReadFile(TestData.Corpus("EN10MB"));
        Assert.Equal(LinkType.EN10MB, linkType);
        Assert.NotEmpty(packets);
    }
}
