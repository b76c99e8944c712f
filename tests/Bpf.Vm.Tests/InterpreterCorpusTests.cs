using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Vm.Tests;

/// <summary>Every packet of every corpus file through libpcap-compiled programs: our interpreter against <c>bpf_filter</c>.</summary>
public class InterpreterCorpusTests
{
    private static readonly string[] s_expressions =
    [
        "ip", "tcp port 80", "udp", "ip6", "arp", "vlan", "len > 100", "ether[0] & 1 != 0", "tcp", "icmp", "udp port 53",
        "ip6 protochain 6", "ip protochain 17", "greater 200", "ip[6:2] & 0x3fff != 0", "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
        "net 192.168.0.0/16", "ip multicast", "ip broadcast", "ip6 multicast", "mpls", "pppoes", "ip[2:2] - ((ip[0] & 0xf) << 2) > 40",
        "ip[0] * 3 / 2 % 5 = 1", "wlan type data", "ip and (tcp[((tcp[12] & 0xf0) >> 2):4] = 0x47455420)", "link[0] != 0",
        "ip6[6] = 17 or ip6[40] = 128", "not ip and not ip6", "len <= 64",
    ];

    public static TheoryData<string> Files => [.. TestData.CorpusFiles.Select(f => Path.GetFileName(f))];

    [LibpcapTheory]
    [MemberData(nameof(Files))]
    public void Run_CorpusFile_MatchesBpfFilterOnEveryPacket(string fileName)
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(Path.Combine(TestData.CorpusDirectory, fileName));
        Assert.NotEmpty(packets);
        var compiled = 0;
        foreach (var expression in s_expressions)
        {
            foreach (var optimize in new[] { true, false })
            {
                // libpcap refuses expressions that make no sense for the link type: skip those.
                if (Libpcap.Compile(linkType, snaplen, expression, optimize, out _) is not { } program)
                    continue;
                compiled++;
                var interpreter = new BpfInterpreter(new BpfProgram(program));
                for (var i = 0; i < packets.Count; i++)
                {
                    var packet = packets[i];
                    var expected = Libpcap.Filter(program, packet.Data, packet.WireLength);
                    var actual = interpreter.Run(packet.Data, packet.WireLength);
                    Assert.True(expected == actual, $"'{expression}' (optimize {optimize}) packet {i}: libpcap {expected}, ours {actual}");
                }
            }
        }
        Assert.True(compiled > 0, $"no expression compiles for {linkType}");
    }
}
