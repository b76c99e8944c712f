using Bpf.Vm;
using Capture.Pcapfile;

namespace Udpcap.Tests;

/// <summary>Writes crafted frames to a real pcap file and opens a capture over it.</summary>
internal sealed class Replay : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"udpcap-{Guid.NewGuid():N}.pcap");

    public Replay(LinkType linkType, IEnumerable<(byte[] Frame, long Timestamp)> frames, int snaplen = 262144, UdpcapOptions? options = null)
    {
        using (var writer = CaptureFileWriter.Create(_path, CaptureFileFormat.Pcap, linkType, snaplen, TimestampPrecision.Nanoseconds))
        {
            foreach (var (frame, timestamp) in frames)
                writer.Write(frame, (uint)frame.Length, timestamp, linkType);
        }
        Capture = UdpcapCapture.Create(CaptureFileReader.Open(_path), options);
    }

    public Replay(LinkType linkType, params byte[][] frames)
        : this(linkType, frames.Select((f, i) => (f, 1_000_000_000L + i * 1000L)))
    {
    }

    public UdpcapCapture Capture { get; }

    /// <summary>Everything the socket receives until the replay ends, as (result, payload).</summary>
    public static List<(ReceiveResult Result, byte[] Payload)> Drain(UdpcapSocket socket, int bufferSize = 65536)
    {
        var list = new List<(ReceiveResult, byte[])>();
        var buffer = new byte[bufferSize];
        for (var i = 0; i < 100_000; i++)
        {
            var result = socket.Receive(buffer, TimeSpan.FromSeconds(30));
            Assert.NotEqual(ReceiveStatus.TimedOut, result.Status);
            if (result.Status == ReceiveStatus.EndOfCapture)
                return list;
            list.Add((result, buffer[..result.Length]));
        }
        throw new InvalidOperationException("replay did not end");
    }

    public void Dispose()
    {
        Capture.Dispose();
        File.Delete(_path);
    }
}
