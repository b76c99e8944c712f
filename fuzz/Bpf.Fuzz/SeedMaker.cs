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
