using Bpf.Testing;
using Bpf.Vm;

namespace Capture.Pcapfile.Tests;

/// <summary>
/// Seeded random damage to real captures (bytes overwritten, lengths garbled, tails cut): reading
/// may only ever end in <see cref="InvalidDataException"/>, and where libpcap can read the same
/// bytes it delivers the same packets and fails at the same point.
/// </summary>
public class MutationTests
{
    private const int Seed = 20261123;
    private const int MaxFileSize = 64 * 1024;

    private static List<(string Name, byte[] Bytes)> Inputs(CaptureFileFormat format)
    {
        var inputs = new List<(string, byte[])>();
        foreach (var path in TestData.CorpusFiles.Where(p => new FileInfo(p).Length <= MaxFileSize))
        {
            var bytes = File.ReadAllBytes(path);
            if (format == CaptureFileFormat.PcapNg)
                bytes = Packets.ToPcapNg(bytes);
            inputs.Add((Path.GetFileName(path), bytes));
        }
        return inputs;
    }

    /// <summary>Damages a copy of <paramref name="file"/> at or after <paramref name="from"/>.</summary>
    private static byte[] Mutate(byte[] file, Random random, int from)
    {
        var copy = (byte[])file.Clone();
        if (copy.Length <= from)
            return copy;
        var kind = random.Next(4);
        if (kind is 0 or 3)
            for (var n = random.Next(1, 9); n > 0; n--)
                copy[random.Next(from, copy.Length)] = (byte)random.Next(256);
        if (kind == 1)
        {
            // Length fields are 32-bit aligned in both formats: garble one whole word.
            var at = from + random.Next((copy.Length - from) / 4) * 4;
            if (at + 4 <= copy.Length)
                BitConverter.GetBytes((uint)random.NextInt64(uint.MaxValue + 1L)).CopyTo(copy, at);
        }
        if (kind is 2 or 3)
            return copy[..random.Next(from, copy.Length)];
        return copy;
    }

    [Theory]
    [InlineData(CaptureFileFormat.Pcap)]
    [InlineData(CaptureFileFormat.PcapNg)]
    public void Read_MutatedFiles_OnlyInvalidDataException(CaptureFileFormat format)
    {
        var random = new Random(Seed);
        foreach (var (name, bytes) in Inputs(format))
            for (var i = 0; i < 150; i++)
            {
                var mutated = Mutate(bytes, random, 0);
                Stream stream = i % 5 == 0 ? new TricklingStream(mutated) : new MemoryStream(mutated);
                try
                {
                    Verdict.Ours(mutated);
                    Packets.ReadUntilError(stream);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{format} {name} mutation {i}: {e.GetType().Name}: {e.Message}");
                }
            }
    }

    [LibpcapFact]
    public void Read_MutatedPcapRecords_SameVerdictAsLibpcap()
    {
        var random = new Random(Seed + 1);
        foreach (var (name, bytes) in Inputs(CaptureFileFormat.Pcap))
            for (var i = 0; i < 30; i++)
            {
                // Past the file header, where our rules and libpcap's are the same.
                var mutated = Mutate(bytes, random, 24);
                var (ours, error) = Verdict.Ours(mutated);
                using var temp = new TempFile(mutated);
                var (theirs, failed) = LibpcapPartialReader.Read(temp.Path);
                Assert.True(failed == (error is not null), $"{name} mutation {i}: libpcap failed={failed}, ours: {error?.Message}");
                Verdict.AssertSamePackets(theirs, ours);
            }
    }

    [LibpcapFact]
    public void Read_MutatedPcapNgBlocks_AgreeWithLibpcapWhereItCanRead()
    {
        var random = new Random(Seed + 2);
        foreach (var (name, bytes) in Inputs(CaptureFileFormat.PcapNg))
            for (var i = 0; i < 30; i++)
            {
                // Past the first section header and interface. We read more than libpcap (interfaces
                // with other link types, byte-order changes), never less: where we fail, it fails too.
                var mutated = Mutate(bytes, random, 48);
                var (ours, error) = Verdict.Ours(mutated);
                using var temp = new TempFile(mutated, ".pcapng");
                var (theirs, failed) = LibpcapPartialReader.Read(temp.Path);
                var context = $"{name} mutation {i}: libpcap failed={failed} after {theirs.Count}, ours after {ours.Count}: {error?.Message}";
                if (error is not null)
                    Assert.True(failed, context);
                if (!failed || error is not null)
                    Verdict.AssertSamePackets(theirs, ours.Select(p => p with { InterfaceIndex = 0, LinkType = theirs.FirstOrDefault()?.LinkType ?? p.LinkType }).ToList());
                else
                    Verdict.AssertSamePackets(theirs, ours.Take(theirs.Count).Select(p => p with { InterfaceIndex = 0, LinkType = theirs.FirstOrDefault()?.LinkType ?? p.LinkType }).ToList());
            }
    }
}
