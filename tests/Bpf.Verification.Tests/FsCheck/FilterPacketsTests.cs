using Bpf.Compiler;
using Bpf.Testing;
using Bpf.Verification.FsCheck;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Verification.Tests.FsCheck;

/// <summary>The FsCheck hook: generated packets really are accepted (rejected), in our interpreter and in libpcap.</summary>
public sealed class FilterPacketsTests
{
    private static readonly Lazy<Gen<VerificationPacket>> s_https = new(() => FilterPackets.Accepted("tcp dst port 443", poolSize: 8));

    // The README's example, against a stand-in "parser": the TCP destination port of an Ethernet/IPv4 frame.
    [Z3Fact]
    public void Accepted_ReadmeExample_EveryPacketHasPort443()
    {
        Prop.ForAll(s_https.Value.ToArbitrary(), packet =>
        {
            var data = packet.Data.AsSpan();
            // IPv6 (next header TCP, as the filter demands): 40-byte header; IPv4: IHL words.
            var tcp = data[12] == 0x86 && data[13] == 0xdd ? 14 + 40 : 14 + (data[14] & 0xf) * 4;
            return data[tcp + 2] == 0x01 && data[tcp + 3] == 0xbb;
        }).QuickCheckThrowOnFailure();
    }

    [Z3Fact]
    public void Accepted_EveryGeneratedPacketIsAcceptedByTheInterpreterAndLibpcap()
    {
        var program = FilterCompiler.Compile("udp and (port 53 or port 5353)");
        var interpreter = new BpfInterpreter(program);
        Prop.ForAll(FilterPackets.Accepted(program, poolSize: 6).ToArbitrary(), packet =>
            interpreter.Run(packet.Data.AsSpan(), packet.WireLength) != 0
            && (!Libpcap.IsAvailable || Libpcap.Filter(program.AsSpan(), packet.Data.AsSpan(), packet.WireLength) != 0)).QuickCheckThrowOnFailure();
    }

    [Z3Fact]
    public void Rejected_EveryGeneratedPacketIsRejected()
    {
        var program = FilterCompiler.Compile("ip6 and tcp");
        var interpreter = new BpfInterpreter(program);
        Prop.ForAll(FilterPackets.Rejected(program, poolSize: 6).ToArbitrary(), packet =>
            interpreter.Run(packet.Data.AsSpan(), packet.WireLength) == 0).QuickCheckThrowOnFailure();
    }

    [Z3Fact]
    public void Accepted_FilterAcceptingNothing_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => FilterPackets.Accepted("ip and ip6"));
        Assert.Contains("accepts no packet", e.Message);
    }

    [Z3Fact]
    public void Accepted_PoolIsDistinctPackets()
    {
        var samples = FilterPackets.Accepted("icmp", poolSize: 5).Sample(200, 200);
        Assert.Equal(5, samples.Select(p => p.Hex + "/" + p.WireLength).Distinct().Count());
    }
}
