using System.Buffers.Binary;
using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>
/// Where libpcap's optimizer changes what a filter means, the default mode does not: the optimized
/// program returns what the unoptimized one returns. (The 1.10 mode keeps 1.10.3's instructions.)
/// </summary>
public class OptimizerCorrectionTests
{
    /// <summary>
    /// VXLAN (UDP 4789, I flag) carrying an inner Ethernet frame of <paramref name="innerType"/>, over
    /// IPv4, behind an Ethernet header when <paramref name="ethernet"/>.
    /// </summary>
    private static byte[] Vxlan(bool ethernet, ushort innerType)
    {
        var outer = ethernet ? 14 : 0;
        var packet = new byte[outer + 20 + 8 + 8 + 14 + 40];
        if (ethernet)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), 0x0800);
        }

        var ip = packet.AsSpan(outer);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(packet.Length - outer));
        ip[8] = 64;
        ip[9] = 17;
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 4789);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(udp.Length));
        var vxlan = udp[8..];
        vxlan[0] = 0x08;
        vxlan[6] = 42;
        var inner = vxlan[8..];
        BinaryPrimitives.WriteUInt16BigEndian(inner[12..], innerType);
        inner[14] = innerType == 0x86dd ? (byte)0x60 : (byte)0x00;
        return packet;
    }

    [Theory]
    [InlineData("IPV4", "vxlan and ip6", 0x86dd)]
    [InlineData("IPV4", "vxlan and arp", 0x0806)]
    [InlineData("EN10MB", "vxlan and ip6", 0x86dd)]
    [InlineData("EN10MB", "vxlan and arp", 0x0806)]
    [InlineData("EN10MB", "vxlan and not ip", 0x86dd)]
    public void Vxlan_InnerTestsReadTheInnerHeaderAfterOptimization(string linkTypeName, string expression, ushort innerType)
    {
        // libpcap (head f26ae497) moves the edge past the block that stores the inner header's offset
        // (M[1]), so its optimized program loads X from a never-written cell and rejects these packets.
        var linkType = Enum.Parse<LinkType>(linkTypeName);
        var packet = Vxlan(linkType == LinkType.EN10MB, innerType);
        var optimized = FilterCompiler.Compile(expression, linkType);
        var unoptimized = FilterCompiler.Compile(expression, linkType, options: new CompilerOptions { Optimize = false });

        Assert.NotEqual(0u, new BpfInterpreter(unoptimized).Run(packet, (uint)packet.Length));
        Assert.Equal(new BpfInterpreter(unoptimized).Run(packet, (uint)packet.Length), new BpfInterpreter(optimized).Run(packet, (uint)packet.Length));

        // Another inner type is still rejected by both.
        var other = Vxlan(linkType == LinkType.EN10MB, 0x0800);
        Assert.Equal(0u, new BpfInterpreter(optimized).Run(other, (uint)other.Length));
        Assert.Equal(0u, new BpfInterpreter(unoptimized).Run(other, (uint)other.Length));
    }

    [Theory]
    [InlineData("IPV4", "vxlan and ip6")]
    [InlineData("EN10MB", "vxlan and arp")]
    [InlineData("RAW", "vxlan 100 and tcp port 80")]
    public void DefaultMode_FoldsConsecutiveConstantAdds(string linkTypeName, string expression)
    {
        var linkType = Enum.Parse<LinkType>(linkTypeName);
        var unoptimized = FilterCompiler.Compile(expression, linkType, options: new CompilerOptions { Optimize = false }).ToArray();
        var optimized = FilterCompiler.Compile(expression, linkType).ToArray();
        const ushort addK = Opcodes.Alu | Opcodes.Add | Opcodes.K;
        static bool HasAddPair(Instruction[] p) => p.Zip(p.Skip(1)).Any(t => t.First.Code == addK && t.Second.Code == addK);
        Assert.True(HasAddPair(unoptimized), "the generator's program should have an add #a; add #b pair");
        Assert.False(HasAddPair(optimized), string.Join("\n", optimized));
    }
}
