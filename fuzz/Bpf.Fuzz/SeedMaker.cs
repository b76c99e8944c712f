using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Bpf.Compiler;
using Bpf.Fuzz.Targets;
using Bpf.Vm;
using Capture.Pcapfile;

namespace Bpf.Fuzz;

/// <summary>
/// Writes raw seed inputs for every target from the repository's test data (capture corpus, expression
/// lists): small pieces of real files, in each target's input layout. fuzz/run --cmin then keeps the
/// ones that add coverage; only those are committed (fuzz/corpus).
/// </summary>
internal static class SeedMaker
{
    private const int PacketsPerFile = 3;
    private const int ExpressionsPerList = 12;

    public static int Make(string root, string output)
    {
        var captures = Directory.GetFiles(Path.Combine(root, "tests/data/corpus"), "*.pcap").Order().ToArray();
        var expressionLists = Directory.GetFiles(Path.Combine(root, "tests/data/expressions"), "*.txt")
            .Where(f => !f.EndsWith("known-failures.txt", StringComparison.Ordinal)).Order().ToArray();
        var seeds = new Dictionary<string, List<byte[]>>();
        void Add(string target, byte[] input) => (seeds.TryGetValue(target, out var list) ? list : seeds[target] = []).Add(input);

        foreach (var file in captures)
        {
            var bytes = File.ReadAllBytes(file);
            var packets = ReadPackets(bytes, out var linkType, out var end);
            Add("pcap", bytes[..(int)end]);
            Add("pcapng", ToPcapNg(packets, linkType));
            foreach (var expression in Expressions(Path.Combine(root, "tests/data/expressions", linkType + ".txt")))
                EngineSeed(expression, linkType, packets, Add);
            var index = UdpcapTarget.LinkTypeIndex(linkType);
            if (index >= 0)
                Add("udpcap", UdpSeed(packets, index));
        }
        Add("pcap", Swapped(File.ReadAllBytes(captures[0])));
        foreach (var seed in FragmentSeeds())
            Add("udpcap", seed);
        Add("pcapng", MultiInterface(captures, root));
        foreach (var list in expressionLists)
        {
            var linkType = Enum.Parse<LinkType>(Path.GetFileNameWithoutExtension(list));
            foreach (var expression in Expressions(list))
            {
                Add("expression", Encoding.UTF8.GetBytes(expression));
                try
                {
                    var program = FilterCompiler.Compile(expression, linkType);
                    Add("program", Encoding.UTF8.GetBytes(BpfText.Format(program, (DumpFormat)(expression.Length % 3))));
                }
                catch (FilterCompileException)
                {
                }
            }
        }
        foreach (var (target, inputs) in seeds)
        {
            var folder = Path.Combine(output, target);
            Directory.CreateDirectory(folder);
            foreach (var input in inputs)
                File.WriteAllBytes(Path.Combine(folder, Convert.ToHexString(SHA256.HashData(input))[..16].ToLowerInvariant()), input);
            Console.WriteLine($"{target}: {inputs.Count} seeds in {folder}");
        }
        return 0;
    }

    private sealed record Packet(byte[] Data, uint WireLength, long Timestamp);

    private static List<Packet> ReadPackets(byte[] file, out LinkType linkType, out long end)
    {
        using var reader = CaptureFileReader.Open(new MemoryStream(file));
        linkType = reader.LinkType;
        var packets = new List<Packet>();
        while (packets.Count < PacketsPerFile && reader.TryReadPacket(out var packet))
            packets.Add(new Packet(packet.Data.ToArray(), packet.WireLength, packet.Timestamp));
        end = reader.Position;
        return packets;
    }

    // Every n-th expression of a list, so a few per link type cover the list's variety.
    private static IEnumerable<string> Expressions(string list)
    {
        if (!File.Exists(list))
            return [];
        var lines = File.ReadAllLines(list).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var step = Math.Max(1, lines.Length / ExpressionsPerList);
        return lines.Where((_, i) => i % step == 0);
    }

    private static void EngineSeed(string expression, LinkType linkType, List<Packet> packets, Action<string, byte[]> add)
    {
        BpfProgram program;
        try
        {
            program = FilterCompiler.Compile(expression, linkType);
        }
        catch (FilterCompileException)
        {
            return;
        }
        if (program.Count > byte.MaxValue || packets.Count == 0)
            return;
        var packet = packets[expression.Length % packets.Count];
        add("engines", EnginesTarget.Encode(program, packet.WireLength, packet.Data));
    }

    private static byte[] UdpSeed(List<Packet> packets, int linkTypeIndex)
    {
        var output = new List<byte> { 0 };
        foreach (var packet in packets)
            output.AddRange(UdpcapTarget.EncodeFrame(packet.Data, linkTypeIndex, packet.Data.Length < packet.WireLength, 1));
        return [.. output];
    }

    // A 3000-byte UDP datagram in three IPv4 fragments on raw IP, with valid checksums (option byte 1 + 2:
    // IPv4 and UDP checksums verified): in order, reversed with a duplicate, and with the last one
    // arriving after the reassembly timeout.
    private static IEnumerable<byte[]> FragmentSeeds()
    {
        var payload = new byte[3000];
        for (var i = 0; i < payload.Length; i++)
            payload[i] = (byte)(i * 7);
        var udp = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(udp, 4000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(2), 5000);
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(4), (ushort)udp.Length);
        payload.CopyTo(udp, 8);
        uint source = 0x0a000001, destination = 0x0a000002;
        var sum = Sum(udp) + (source >> 16) + (source & 0xffff) + (destination >> 16) + (destination & 0xffff) + 17 + (uint)udp.Length;
        BinaryPrimitives.WriteUInt16BigEndian(udp.AsSpan(6), (ushort)~Fold(sum));
        var fragments = new List<byte[]>();
        for (var offset = 0; offset < udp.Length; offset += 1480)
        {
            var length = Math.Min(1480, udp.Length - offset);
            var ip = new byte[20 + length];
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), 0x1234);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), (ushort)((offset / 8) | (offset + length < udp.Length ? 0x2000 : 0)));
            ip[8] = 64;
            ip[9] = 17;
            BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), source);
            BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), destination);
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), (ushort)~Fold(Sum(ip.AsSpan(0, 20))));
            udp.AsSpan(offset, length).CopyTo(ip.AsSpan(20));
            fragments.Add(ip);
        }
        var raw = UdpcapTarget.LinkTypeIndex(LinkType.RAW);
        byte[] Seed(IEnumerable<(byte[] Fragment, byte Step)> frames) =>
            [3, .. frames.SelectMany(f => UdpcapTarget.EncodeFrame(f.Fragment, raw, false, f.Step))];
        yield return Seed(fragments.Select(f => (f, (byte)1)));
        yield return Seed(new[] { fragments[2], fragments[1], fragments[1], fragments[0] }.Select(f => (f, (byte)0)));
        yield return Seed([(fragments[0], 1), (fragments[1], 1), (fragments[2], 60)]);
    }

    private static uint Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (data.Length % 2 == 1)
            sum += (uint)data[^1] << 8;
        return sum;
    }

    private static uint Fold(uint sum)
    {
        while (sum > 0xffff)
            sum = (sum & 0xffff) + (sum >> 16);
        return sum;
    }

    private static byte[] ToPcapNg(List<Packet> packets, LinkType linkType)
    {
        var output = new MemoryStream();
        using (var writer = CaptureFileWriter.Create(output, CaptureFileFormat.PcapNg, linkType, precision: TimestampPrecision.Nanoseconds, leaveOpen: true))
        {
            foreach (var packet in packets)
                writer.Write(packet.Data, packet.WireLength, packet.Timestamp, linkType);
        }
        return output.ToArray();
    }

    // Two interfaces of different link types, packets interleaved.
    private static byte[] MultiInterface(string[] captures, string root)
    {
        var output = new MemoryStream();
        using (var writer = CaptureFileWriter.Create(output, CaptureFileFormat.PcapNg, LinkType.EN10MB, leaveOpen: true))
        {
            foreach (var name in (string[])["EN10MB", "RAW", "EN10MB", "LINUX_SLL"])
            {
                var packets = ReadPackets(File.ReadAllBytes(Path.Combine(root, "tests/data/corpus", name + ".pcap")), out var linkType, out _);
                writer.Write(packets[0].Data, packets[0].WireLength, packets[0].Timestamp, linkType);
            }
        }
        _ = captures;
        return output.ToArray();
    }

    // The same file in the other byte order (pcap readers must take both).
    private static byte[] Swapped(byte[] file)
    {
        var packets = ReadPackets(file, out _, out var end);
        var output = file[..(int)end];
        for (var at = 0; at < 24; at += at is 4 ? 2 : at is 6 ? 2 : 4)
        {
            if (at is 4 or 6)
                BinaryPrimitives.WriteUInt16BigEndian(output.AsSpan(at), BinaryPrimitives.ReadUInt16LittleEndian(output.AsSpan(at)));
            else
                BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(at), BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(at)));
        }
        var offset = 24;
        foreach (var packet in packets)
        {
            for (var field = 0; field < 16; field += 4)
                BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(offset + field), BinaryPrimitives.ReadUInt32LittleEndian(output.AsSpan(offset + field)));
            offset += 16 + packet.Data.Length;
        }
        return output;
    }
}
