using Bpf.Jit.Emit;
using Bpf.Vm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>What <see cref="ValueFlow"/> knows A and X hold, and what <see cref="BatchLoop"/> then shares.</summary>
public class ValueFlowTests
{
    // tcpdump -d 'tcp port 80' on Ethernet.
    private static readonly Instruction[] s_tcpPort80 = Listing("""
        ldh [12]
        jeq #0x86dd jt 2 jf 8
        ldb [20]
        jeq #0x6 jt 4 jf 19
        ldh [54]
        jeq #0x50 jt 18 jf 6
        ldh [56]
        jeq #0x50 jt 18 jf 19
        jeq #0x800 jt 9 jf 19
        ldb [23]
        jeq #0x6 jt 11 jf 19
        ldh [20]
        jset #0x1fff jt 19 jf 13
        ldxb 4*([14]&0xf)
        ldh [x + 14]
        jeq #0x50 jt 18 jf 16
        ldh [x + 16]
        jeq #0x50 jt 18 jf 19
        ret #262144
        ret #0
        """);

    // A tcpdump -d listing without its "(NNN) " numbers.
    private static Instruction[] Listing(string text) =>
        [.. BpfText.Parse(string.Join("\n", text.Split('\n').Select((line, i) => $"({i:D3}) {line.Trim()}")) + "\n", DumpFormat.Listing).Instructions];

    [Fact]
    public void Analyze_TcpPort80_KnowsTheLoadedValueAcrossBlocks()
    {
        var flow = ValueFlow.Analyze(s_tcpPort80, BasicBlock.Split(s_tcpPort80));
        var ethertype = new PacketValue(PacketValueKind.Absolute, 12, 2);
        // jeq #0x800 is its own block, reached only from jeq #0x86dd's false branch: A is still [12].
        Assert.Equal(ethertype, flow.A[8]);
        Assert.Equal(new PacketTest(ethertype, O.Jeq, 0x800), flow.TestAt(s_tcpPort80, 8));
        Assert.Equal(new PacketTest(new PacketValue(PacketValueKind.Absolute, 20, 2), O.Jset, 0x1fff), flow.TestAt(s_tcpPort80, 12));
        Assert.Equal(new PacketValue(PacketValueKind.HeaderLength, 14, 1), flow.X[14]);
        Assert.Equal(new PacketValue(PacketValueKind.Indexed, 14, 2, 14), flow.A[15]);
        // The returns are reached from paths holding different values.
        Assert.Equal(PacketValue.None, flow.A[18]);
        Assert.Null(flow.TestAt(s_tcpPort80, 0));
    }

    [Fact]
    public void Analyze_PathsDisagree_NothingKnown()
    {
        var program = Listing("""
            ldb [0]
            jeq #0x1 jt 2 jf 4
            ldb [1]
            ldx #0x3
            jeq #0x7 jt 5 jf 6
            ret #1
            ret #0
            """);
        var flow = ValueFlow.Analyze(program, BasicBlock.Split(program));
        Assert.Equal(PacketValue.None, flow.A[4]);
        Assert.Null(flow.TestAt(program, 4));
        Assert.Equal(new PacketValue(PacketValueKind.Absolute, 1, 1), flow.A[3]);
    }

    [Fact]
    public void Analyze_BackwardJump_NothingKnown()
    {
        var program = Listing("""
            ldb [0]
            jeq #0x1 jt 2 jf 3
            ja 0
            ret #0
            """);
        var flow = ValueFlow.Analyze(program, BasicBlock.Split(program));
        Assert.All(flow.A, value => Assert.Equal(PacketValue.None, value));
    }

    [Fact]
    public void PlanSplit_StatsFilters_SplitsOnTheEthertype()
    {
        var programs = new[] { "tcp port 80", "udp", "arp", "ip6", "icmp", "vlan", "port 53", "tcp[tcpflags] & tcp-syn != 0" }
            .Select(e => Bpf.Compiler.FilterCompiler.Compile(e, LinkType.EN10MB).ToArray()).ToArray();
        var method = new System.Reflection.Emit.DynamicMethod("t", typeof(void), Type.EmptyTypes);
        var split = new BatchLoop(method.GetILGenerator(), readsPacket: true).PlanSplit(programs);
        var ethertype = new PacketValue(PacketValueKind.Absolute, 12, 2);
        Assert.NotNull(split);
        Assert.Equal(ethertype, split.Value);
        // IPv4 (5 programs), IPv6 (4); ARP and the VLAN types are tested by one program each.
        Assert.Equal([0x800u, 0x86ddu], split.Constants);
        var ipv4 = new SplitCase(split, 0x800);
        var other = new SplitCase(split, null);
        Assert.True(ipv4.Outcome(new PacketTest(ethertype, O.Jeq, 0x800)));
        Assert.False(ipv4.Outcome(new PacketTest(ethertype, O.Jeq, 0x86dd)));
        Assert.True(ipv4.Outcome(new PacketTest(ethertype, O.Jge, 0x800)));
        Assert.False(ipv4.Outcome(new PacketTest(ethertype, O.Jgt, 0x800)));
        Assert.False(other.Outcome(new PacketTest(ethertype, O.Jeq, 0x86dd)));
        Assert.Null(other.Outcome(new PacketTest(ethertype, O.Jeq, 0x806)));
        Assert.Null(other.Outcome(new PacketTest(ethertype, O.Jgt, 0x800)));
        Assert.Null(ipv4.Outcome(new PacketTest(new PacketValue(PacketValueKind.Absolute, 23, 1), O.Jeq, 6)));
    }

    [Fact]
    public void PlanSplit_NoSharedTest_NoSplit()
    {
        var programs = new[] { "arp", "vlan" }.Select(e => Bpf.Compiler.FilterCompiler.Compile(e, LinkType.EN10MB).ToArray()).ToArray();
        var method = new System.Reflection.Emit.DynamicMethod("t", typeof(void), Type.EmptyTypes);
        Assert.Null(new BatchLoop(method.GetILGenerator(), readsPacket: true).PlanSplit(programs));
    }
}
