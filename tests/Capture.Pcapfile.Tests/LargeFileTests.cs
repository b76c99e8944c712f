using Bpf.Vm;

namespace Capture.Pcapfile.Tests;

/// <summary>Captures beyond 2 GiB: offsets and positions are 64-bit, memory stays at the buffer size.</summary>
public class LargeFileTests
{
    private const int RecordSize = 16 + 1484;
    private const long Records = 1_500_000; // 2.25 GB

    [Fact]
    public void Read_FileBeyond2GiB_AllPacketsThenTruncationOffsetBeyond2GiB()
    {
        var header = new PcapBuilder(snaplen: 1500).ToArray();
        var record = new PcapBuilder().Record(7, 1, new byte[RecordSize - 16]).ToArray()[24..];
        var cutAt = header.Length + Records * RecordSize + 20; // the last record loses most of its data
        using var reader = CaptureFileReader.Open(new PatternStream(header, record, cutAt));
        long count = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() =>
        {
            while (reader.TryReadPacket(out var packet))
            {
                count++;
                if (packet.Data.Length != RecordSize - 16)
                    Assert.Fail($"packet {count} has {packet.Data.Length} bytes");
            }
        });
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "reading allocated per packet");
        Assert.Equal(Records, count);
        var offset = header.Length + Records * RecordSize;
        Assert.True(offset > int.MaxValue);
        Verdict.AssertError(error, offset, "truncated record: 4 of 1484 captured bytes");
        Assert.Equal(offset, reader.Position);
    }

    /// <summary>An unseekable stream of a header followed by one record repeated, cut at a given length.</summary>
    private sealed class PatternStream(byte[] header, byte[] record, long length) : Stream
    {
        private readonly byte[] _block = Enumerable.Repeat(record, 1000).SelectMany(r => r).ToArray();
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            count = (int)Math.Min(count, length - _position);
            var done = 0;
            while (done < count)
            {
                int n;
                if (_position < header.Length)
                {
                    n = Math.Min(count - done, header.Length - (int)_position);
                    Array.Copy(header, (int)_position, buffer, offset + done, n);
                }
                else
                {
                    var at = (int)((_position - header.Length) % _block.Length);
                    n = Math.Min(count - done, _block.Length - at);
                    Array.Copy(_block, at, buffer, offset + done, n);
                }
                done += n;
                _position += n;
            }
            return done;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
