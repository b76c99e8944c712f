using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Jit.Tests;

/// <summary>
/// Every packet of every corpus capture (and a truncated copy of it) through programs libpcap's
/// compiler builds for that capture's link type, optimized and not: the JIT and the interpreter return
/// what libpcap's bpf_filter returns.
/// </summary>
public class CorpusTests
{
    private static readonly string[] s_expressions =
    [
        "ip", "ip6", "arp", "tcp", "udp", "icmp", "icmp6", "tcp port 80", "udp and (port 53 or port 5353)",
        "host 192.168.1.1 and not port 22", "vlan and udp port 5000", "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn",
        "ip6 protochain 6", "ip protochain 17", "ip6 and tcp", "net 10.0.0.0/8", "portrange 1-1024",
        "len > 100", "greater 200", "less 64", "ether multicast", "ether broadcast", "ip multicast",
        "ip[0] & 0xf > 5", "(ip[6:2] & 0x3fff) != 0", "ip[2:2] / 4 > 100", "ip[2:2] % 3 = 1",
        "tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x47455420", "udp[8:2] * 2 - 1 > 1000", "ip[8] << 2 > 200",
        "mpls", "pppoes", "vlan", "vlan 100 or vlan 200", "icmp[icmptype] = icmp-echo", "ip src net 192.168.0.0/16",
        "tcp dst portrange 1000-2000 and ip[1] != 0", "ip6 dst net 2001:db8::/32", "not ip and not ip6",
        "wlan type data", "type mgt subtype beacon", "link[0] = 0x45", "ether[12:2] = 0x86dd",
    ];

    public static TheoryData<string> CorpusNames() =>
        new(TestData.CorpusFiles.Select(Path.GetFileNameWithoutExtension).OfType<string>());

    [LibpcapTheory]
    [MemberData(nameof(CorpusNames))]
    public void CorpusPackets_JitAndInterpreterMatchLibpcap(string linkTypeName)
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus(linkTypeName));
        var programs = 0;
        foreach (var expression in s_expressions)
            foreach (var optimize in new[] { true, false })
            {
                var program = Libpcap.Compile(linkType, snaplen, expression, optimize, out _);
                if (program is null)
                    continue;
                programs++;
                var jit = BpfJit.Compile(new BpfProgram(program));
                var interpreter = new BpfInterpreter(new BpfProgram(program));
                foreach (var packet in packets)
                {
                    AssertSame(program, jit, interpreter, packet.Data, packet.WireLength, expression);
                    AssertSame(program, jit, interpreter, packet.Data.AsSpan(0, packet.Data.Length / 2), packet.WireLength, expression);
                }
            }
        Assert.True(programs > 0, $"no expression compiled for {linkTypeName}");
    }

    private static void AssertSame(Instruction[] program, BpfFilterDelegate jit, BpfInterpreter interpreter,
        ReadOnlySpan<byte> packet, uint wireLength, string expression)
    {
        var expected = Libpcap.Filter(program, packet, wireLength);
        var fromJit = jit(packet, wireLength);
        var fromInterpreter = interpreter.Run(packet, wireLength);
        if (fromJit != expected || fromInterpreter != expected)
            Assert.Fail($"'{expression}': jit {fromJit}, interpreter {fromInterpreter}, libpcap {expected} on {Convert.ToHexString(packet)} (wire {wireLength})");
    }
}
