using Bpf.Testing;
using Bpf.Vm;

namespace Capture.Pcapfile.Tests;

/// <summary>
/// <see cref="CaptureFileReader.ReadBatch"/> yields exactly the packets (and the damage) that
/// <see cref="CaptureFileReader.TryReadPacket"/> yields, and a batch's bytes stay intact while the
/// reader goes on reading into other buffers.
/// </summary>
public class PacketBatchTests
{
    public static TheoryData<string, CaptureFileFormat> CorpusFilesInBothFormats()
    {
        var data = new TheoryData<string, CaptureFileFormat>();
        foreach (var file in TestData.CorpusFiles)
        {
            data.Add(Path.GetFileName(file), CaptureFileFormat.Pcap);
            data.Add(Path.GetFileName(file), CaptureFileFormat.PcapNg);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFilesInBothFormats))]
    public void ReadBatch_CorpusFile_AllBatchesHeldToTheEnd_SamePacketsAsTryReadPacket(string name, CaptureFileFormat format)
    {
        var bytes = Bytes(Path.Combine(TestData.CorpusDirectory, name), format);
        var expected = Packets.ReadAll(bytes);

        // Nothing is released until the end: every batch must still hold its own bytes. From a
        // stream the reader refills itself; from a file it reads ahead on other threads.
        foreach (var fromFile in new[] { false, true })
        {
            var batches = ReadBatches(bytes, release: false, fromFile, out var error);
            Assert.Null(error);
            Assert.Equal(expected, batches.SelectMany(b => b.Packets).ToList());
            Assert.Equal(bytes.Length, batches[^1].EndPosition);
            Assert.True(batches.Zip(batches.Skip(1)).All(p => p.First.EndPosition < p.Second.EndPosition), "end positions must increase");
        }
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void ReadBatch_ReleasedBatchesRecycleBuffers_PacketsStayCorrect(CaptureFileFormat format)
    {
        // Several buffers' worth, with records of every size up to beyond a buffer, so records
        // straddle refills and recycled buffers are read into again.
        var random = new Random(7);
        var builder = new PcapBuilder(snaplen: 0, linkType: (uint)LinkType.DBUS);
        for (var i = 0; i < 400; i++)
        {
            var size = i % 50 == 49 ? random.Next(600_000, 1_200_000) : random.Next(0, 9000);
            var data = new byte[size];
            random.NextBytes(data);
            builder.Record(i, i, data);
        }
        var bytes = format == CaptureFileFormat.Pcap ? builder.ToArray() : Packets.ToPcapNg(builder.ToArray());
        var expected = Packets.ReadAll(bytes);

        foreach (var fromFile in new[] { false, true })
        {
            var batches = ReadBatches(bytes, release: true, fromFile, out var error);
            Assert.Null(error);
            Assert.True(batches.Count > 5, $"expected several batches, got {batches.Count}");
            Assert.Equal(expected, batches.SelectMany(b => b.Packets).ToList());
        }
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void ReadBatch_DamagedFile_PacketsBeforeTheDamageThenTheSameError(CaptureFileFormat format)
    {
        var random = new Random(11);
        var original = Bytes(TestData.Corpus("EN10MB"), format);
        for (var i = 0; i < 40; i++)
        {
            var damaged = original[..random.Next(original.Length / 2, original.Length)];
            if (i % 2 == 1)
                BitConverter.GetBytes(0x7fff_0000u).CopyTo(damaged, damaged.Length - 1000 - random.Next(300_000));
            var (expected, expectedError) = Packets.ReadUntilError(new MemoryStream(damaged));

            var batches = ReadBatches(damaged, release: true, fromFile: i % 4 < 2, out var error);
            Assert.Equal(expected, batches.SelectMany(b => b.Packets).ToList());
            Assert.Equal(expectedError?.Message, error?.Message);
        }
    }

    [Fact]
    public void ReadBatch_ManyReadersAtOnce_ShareBuffersWithoutMixingThem()
    {
        // Readers share their buffer pool: a buffer handed out twice would show up here as another
        // reader's bytes in a packet.
        var path = TestData.Corpus("EN10MB");
        var expected = Packets.ReadAll(path);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (var round = 0; round < 3; round++)
            {
                var batches = ReadBatches(File.ReadAllBytes(path), release: round != 1, fromFile: true, out var error);
                Assert.Null(error);
                Assert.Equal(expected, batches.SelectMany(b => b.Packets).ToList());
            }
        });
    }

    [Fact]
    public void ReadBatch_AfterTheEnd_ReturnsFalse_AndHandsNoBufferOutTwice()
    {
        // Larger than one read-ahead segment, so the last buffer is a pooled one.
        using (var reader = CaptureFileReader.Open(TestData.Corpus("EN10MB")))
        {
            var batch = new PacketBatch();
            while (reader.ReadBatch(batch))
                batch.Release();
            for (var i = 0; i < 3; i++)
            {
                Assert.False(reader.ReadBatch(batch));
                Assert.Equal(0, batch.Count);
                batch.Release();
            }
        }
        // Had the reader's last buffer gone back to the shared pool more than once, two of these
        // batches, all held at once, would now be reading into the same buffer.
        var path = TestData.Corpus("EN10MB");
        var batches = ReadBatches(File.ReadAllBytes(path), release: false, fromFile: true, out var error);
        Assert.Null(error);
        Assert.Equal(Packets.ReadAll(path), batches.SelectMany(b => b.Packets).ToList());
    }

    [Fact]
    public void ReadBatch_TricklingStream_SamePackets()
    {
        var bytes = File.ReadAllBytes(TestData.Corpus("EN10MB"))[..200_000];
        var (expected, expectedError) = Packets.ReadUntilError(new MemoryStream(bytes));
        using var reader = CaptureFileReader.Open(new TricklingStream(bytes));
        var packets = new List<Packet>();
        var batch = new PacketBatch();
        InvalidDataException? error = null;
        while (reader.ReadBatch(batch))
        {
            for (var i = 0; i < batch.Count; i++)
                packets.Add(Packet.From(batch[i]));
            error = batch.Error;
            batch.Release();
        }
        Assert.Equal(expected, packets);
        Assert.Equal(expectedError?.Message, error?.Message);
    }

    [Fact]
    public void ReadBatch_UnreleasedBatch_Throws()
    {
        using var reader = CaptureFileReader.Open(TestData.Corpus("EN10MB"));
        var batch = new PacketBatch();
        Assert.True(reader.ReadBatch(batch));
        Assert.Throws<ArgumentException>(() => reader.ReadBatch(batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch[batch.Count].WireLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.LinkTypeAt(batch.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.LinkTypeRun(-1));
    }

    private sealed record ReadBatchResult(List<Packet> Packets, long EndPosition);

    /// <summary>
    /// Reads every batch; with <paramref name="release"/> each is copied out and released before the
    /// next read, otherwise all are kept and copied out only at the end. <paramref name="fromFile"/>
    /// reads a file (read ahead on other threads) instead of a stream.
    /// </summary>
    private static List<ReadBatchResult> ReadBatches(byte[] bytes, bool release, bool fromFile, out InvalidDataException? error)
    {
        error = null;
        var results = new List<ReadBatchResult>();
        var held = new List<PacketBatch>();
        using var file = fromFile ? new TempFile(bytes) : null;
        using var reader = file is null ? CaptureFileReader.Open(new MemoryStream(bytes)) : CaptureFileReader.Open(file.Path);
        while (true)
        {
            var batch = new PacketBatch();
            if (!reader.ReadBatch(batch))
                break;
            error = batch.Error;
            if (release)
            {
                results.Add(CopyOut(batch));
                batch.Release();
            }
            else
            {
                held.Add(batch);
            }
            if (error is not null)
                break;
        }
        results.AddRange(held.Select(CopyOut));
        return results;
    }

    // Also checks the engines' view of the batch (its slices, link-type runs) against the packets.
    private static ReadBatchResult CopyOut(PacketBatch batch)
    {
        var packets = new List<Packet>(batch.Count);
        var slices = batch.Slices;
        Assert.Equal(batch.Count, slices.Length);
        for (var i = 0; i < batch.Count; i++)
        {
            var packet = batch[i];
            Assert.True(slices[i].Data.SequenceEqual(packet.Data), $"slice {i} holds other bytes than the packet");
            Assert.Equal(packet.WireLength, slices[i].WireLength);
            Assert.Equal(packet.LinkType, batch.LinkTypeAt(i));
            Assert.Equal(packet.Timestamp, batch.TimestampAt(i));
            packets.Add(Packet.From(packet));
        }
        for (var start = 0; start < batch.Count;)
        {
            var run = batch.LinkTypeRun(start);
            Assert.InRange(run, 1, batch.Count - start);
            for (var i = start; i < start + run; i++)
                Assert.Equal(batch.LinkTypeAt(start), batch.LinkTypeAt(i));
            if (start + run < batch.Count)
                Assert.NotEqual(batch.LinkTypeAt(start), batch.LinkTypeAt(start + run));
            start += run;
        }
        return new ReadBatchResult(packets, batch.EndPosition);
    }

    private static byte[] Bytes(string path, CaptureFileFormat format)
    {
        var bytes = File.ReadAllBytes(path);
        return format == CaptureFileFormat.PcapNg ? Packets.ToPcapNg(bytes) : bytes;
    }
}
