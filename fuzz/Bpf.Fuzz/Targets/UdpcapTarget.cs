using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bpf.Vm;
using Udpcap;

namespace Bpf.Fuzz.Targets;

/// <summary>
/// The UDP stack's frame decoder and IPv4 reassembler on an arbitrary sequence of frames. No exception
/// escapes; after every frame the reassembler holds at most the configured datagrams and bytes; every
/// delivered datagram is whole (its payload fits an IPv4 datagram, and one delivered straight from a
/// frame lies inside that frame's bytes, one reassembled lies outside them).
/// </summary>
/// <remarks>
/// Input layout (<see cref="EncodeFrame"/> writes a frame): one byte of options (bit 0: verify the IPv4
/// checksum, bits 1-2: the UDP checksum policy, bit 3: small reassembly limits), then frames, each as one
/// byte of link type (low 3 bits; bit 7 set: the frame was cut, its wire length 100 bytes longer), two
/// bytes of length (big-endian), one byte of time step in 100 ms units, and the frame's bytes.
/// </remarks>
internal sealed class UdpcapTarget : IFuzzTarget
{
    private static readonly LinkType[] s_linkTypes =
        [LinkType.EN10MB, LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP, LinkType.IPV4, LinkType.EN10MB];

    private const long StepNanoseconds = 100_000_000;
    private const int MaxUdpPayload = 65535 - 20 - 8;

    public string Name => "udpcap";

    public string Description => "UDP stack decoder + reassembler on frame sequences: no exception, bounded memory, whole datagrams";

    public void Run(byte[] input)
    {
        if (input.Length == 0)
            return;
        var flags = input[0];
        var options = new UdpcapOptions
        {
            VerifyIpChecksum = (flags & 1) != 0,
            UdpChecksum = (UdpChecksumPolicy)((flags >> 1 & 3) % 3),
            MaxDatagramsInReassembly = (flags & 8) != 0 ? 3 : 64,
            MaxReassemblyBytes = (flags & 8) != 0 ? 65536 : 4 << 20,
        };
        var sink = new CheckingSink { Input = input };
        var counters = new DropCounters();
        var decoder = new DatagramDecoder(options, sink, counters);
        var timestamp = 1_000_000_000L;
        var frames = 0;
        for (var at = 1; at + 4 <= input.Length;)
        {
            var kind = input[at];
            var length = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(input.AsSpan(at + 1)), input.Length - at - 4);
            timestamp += input[at + 3] * StepNanoseconds;
            var frame = input.AsSpan(at + 4, length);
            at += 4 + length;
            var wireLength = (uint)length + ((kind & 0x80) != 0 ? 100u : 0u);
            sink.FrameOffset = at - length;
            sink.FrameLength = length;
            decoder.Process(frame, wireLength, timestamp, s_linkTypes[kind & 7]);
            frames++;
            var reassembler = decoder.Reassembler;
            FuzzFinding.Check(reassembler.InFlight >= 0 && reassembler.InFlight <= options.MaxDatagramsInReassembly,
                $"frame {frames}: {reassembler.InFlight} datagrams in reassembly, limit {options.MaxDatagramsInReassembly}");
            FuzzFinding.Check(reassembler.Bytes >= 0 && reassembler.Bytes <= options.MaxReassemblyBytes,
                $"frame {frames}: {reassembler.Bytes} bytes in reassembly, limit {options.MaxReassemblyBytes}");
        }
        var statistics = counters.Snapshot(decoder.Reassembler.InFlight, decoder.Reassembler.Bytes);
        FuzzFinding.Check(statistics.Packets == frames, $"{statistics.Packets} packets counted for {frames} frames");
    }

    /// <summary>One frame in the input layout.</summary>
    public static byte[] EncodeFrame(ReadOnlySpan<byte> frame, int linkTypeIndex, bool cut, byte timeStep)
    {
        var output = new byte[4 + frame.Length];
        output[0] = (byte)(linkTypeIndex | (cut ? 0x80 : 0));
        BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(1), (ushort)frame.Length);
        output[3] = timeStep;
        frame.CopyTo(output.AsSpan(4));
        return output;
    }

    /// <summary>The index of <paramref name="linkType"/> in the layout's table, or -1.</summary>
    public static int LinkTypeIndex(LinkType linkType) => Array.IndexOf(s_linkTypes, linkType);

    private sealed class CheckingSink : IDatagramSink
    {
        // The frame being decoded, as its place in the input (refs taken at delivery time stay right across GCs).
        public byte[] Input = [];
        public int FrameOffset;
        public int FrameLength;

        public void Deliver(in UdpDatagram datagram)
        {
            var payload = datagram.Payload;
            FuzzFinding.Check(payload.Length <= MaxUdpPayload, $"a datagram of {payload.Length} bytes, more than IPv4 carries");
            if (payload.IsEmpty || Input.Length == 0)
                return;
            // Unfragmented datagrams are delivered in place, reassembled ones from the reassembler's
            // buffer: one that starts inside the frame must end inside it.
            var offset = (long)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(Input), ref MemoryMarshal.GetReference(payload));
            if (offset >= FrameOffset && offset < FrameOffset + FrameLength)
                FuzzFinding.Check(offset + payload.Length <= FrameOffset + FrameLength, "a datagram runs past the end of its frame");
        }
    }
}
