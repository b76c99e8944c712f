using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Jit.Tests;

/// <summary>Programs far larger than usual (thousands of instructions, long jump chains) still compile and agree.</summary>
public class LargeProgramTests
{
    [LibpcapFact]
    public void ManyHostsAndPorts_JitMatchesLibpcapOnTheEthernetCorpus()
    {
        var hosts = string.Join(" or ", Enumerable.Range(0, 120).Select(i => $"host 192.168.1.{i}"));
        var ports = string.Join(" or ", Enumerable.Range(0, 40).Select(i => $"port {1000 + i * 7}"));
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus("EN10MB"));
        foreach (var optimize in new[] { true, false })
        {
            var program = Libpcap.Compile(linkType, snaplen, $"({hosts}) and not ({ports})", optimize, out var error);
            Assert.True(program is not null, error);
            Assert.True(program.Length > 500, $"only {program.Length} instructions");
            var jit = BpfJit.Compile(new BpfProgram(program));
            var accepted = 0;
            foreach (var packet in packets)
            {
                var expected = Libpcap.Filter(program, packet.Data, packet.WireLength);
                Assert.Equal(expected, jit(packet.Data, packet.WireLength));
                accepted += expected != 0 ? 1 : 0;
            }
            Assert.True(accepted > 0);
        }
    }
}
