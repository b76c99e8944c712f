using System.Buffers.Binary;
using Bpf.Testing;
using Bpf.Vm;

namespace Udpcap.Tests;

/// <summary>Inputs the udpcap fuzz target (fuzz/Bpf.Fuzz) found, replayed in its frame layout.</summary>
public class FuzzRegressionTests
{
    private sealed class NullSink : IDatagramSink
    {
        public void Deliver(in UdpDatagram datagram)
        {
        }
    }

    [Fact]
    public void ReassemblyBytes_StayWithinTheLimit_WhenThePoolRoundsBuffersUp()
    {
        // Found by fuzzing: a 64 KiB limit held 72 KiB, because the limit was checked against the size
        // asked of ArrayPool while the pool handed out the next power of two.
        var input = File.ReadAllBytes(TestData.File("fuzz/udpcap-reassembly-over-limit.bin"));
        var options = new UdpcapOptions
        {
            VerifyIpChecksum = (input[0] & 1) != 0,
            UdpChecksum = (UdpChecksumPolicy)((input[0] >> 1 & 3) % 3),
            MaxDatagramsInReassembly = 3,
            MaxReassemblyBytes = 65536,
        };
        Assert.NotEqual(0, input[0] & 8); // the input asks for the small limits
        var decoder = new DatagramDecoder(options, new NullSink(), new DropCounters());
        LinkType[] linkTypes = [LinkType.EN10MB, LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.IPV4, LinkType.EN10MB];
        var timestamp = 1_000_000_000L;
        var frames = 0;
        for (var at = 1; at + 4 <= input.Length;)
        {
            var kind = input[at];
            var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(at + 1)), input.Length - at - 4);
            timestamp += input[at + 3] * 100_000_000L;
            var frame = input.AsSpan(at + 4, length);
            at += 4 + length;
            decoder.Process(frame, (uint)length + ((kind & 0x80) != 0 ? 100u : 0u), timestamp, linkTypes[kind & 7]);
            frames++;
            Assert.InRange(decoder.Reassembler.Bytes, 0, options.MaxReassemblyBytes);
            Assert.InRange(decoder.Reassembler.InFlight, 0, options.MaxDatagramsInReassembly);
        }
        Assert.True(frames >= 3);
    }
}
