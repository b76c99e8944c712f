using System.Buffers.Binary;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Cli.Tests;

public class UdpRecvCommandTests
{
    private static byte[] Frame(byte[] source, byte[] destination, ushort sourcePort, ushort destinationPort, byte[] payload)
    {
        var frame = new byte[14 + 20 + 8 + payload.Length];
        frame[12] = 0x08;
        var ip = frame.AsSpan(14);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + payload.Length));
        ip[8] = 64;
        ip[9] = 17;
        source.CopyTo(ip[12..]);
        destination.CopyTo(ip[16..]);
        uint sum = 0;
        for (var i = 0; i < 20; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(ip[i..]);
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], (ushort)~sum);
        var udp = ip[20..];
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload.Length));
        payload.CopyTo(udp[8..]);
        return frame;
    }

    [Fact]
    public void Replay_PrintsMatchingDatagramsOnly_InExactFormat()
    {
        using var file = CliRunner.Temp("", ".pcap");
        using (var writer = CaptureFileWriter.Create(file.Path, CaptureFileFormat.Pcap, LinkType.EN10MB))
        {
            var frames = new[]
            {
                Frame([10, 0, 0, 1], [10, 0, 0, 2], 1234, 5000, "abc"u8.ToArray()),
                Frame([10, 0, 0, 1], [10, 0, 0, 2], 1234, 5001, "nope"u8.ToArray()),
                Frame([10, 0, 0, 3], [10, 0, 0, 2], 40000, 5000, []),
            };
            var time = 1_700_000_000_000_000_000L;
            foreach (var frame in frames)
                writer.Write(frame, (uint)frame.Length, time += 1000, LinkType.EN10MB);
        }

        var result = CliRunner.Run("udp-recv", "-r", file.Path, "--port", "5000");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("10.0.0.1:1234 -> 10.0.0.2:5000 3 616263\n10.0.0.3:40000 -> 10.0.0.2:5000 0 \n", result.Out);
    }

    [Theory]
    [InlineData("udp-recv", "--port", "5000")]
    [InlineData("udp-recv", "-r", "x.pcap")]
    [InlineData("udp-recv", "-r", "x.pcap", "--port", "5000", "--group", "banana")]
    public void BadArguments_ExitTwo(params string[] args) => Assert.Equal(2, CliRunner.Run(args).ExitCode);
}
