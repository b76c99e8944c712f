using System.Globalization;
using Bpf.Testing;
using Bpf.Vm;

namespace Bpf.Cli.Tests;

/// <summary>
/// Every capture <c>bpf</c> writes is one tcpdump reads, whatever passed: all packets, some, none, none
/// because the input had none, or the input stopped at damage. An empty result is a pcap header (as
/// tcpdump writes for a filter that matches nothing) or a pcapng section with its interface.
/// </summary>
public sealed class OutputReadBackTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"bpf-readback-{Guid.NewGuid():N}");

    public OutputReadBackTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string, string> Runs()
    {
        var runs = new TheoryData<string, string, string>();
        foreach (var format in (string[])["pcap", "pcapng"])
        {
            runs.Add(format, "whole", "");
            runs.Add(format, "whole", "tcp");
            runs.Add(format, "whole", "ether proto 0x1234");
            runs.Add(format, "header-only", "ip");
            runs.Add(format, "cut", "");
        }
        return runs;
    }

    [TcpdumpTheory]
    [MemberData(nameof(Runs))]
    public void FilterOutput_ReadsBackWithTcpdump(string format, string input, string expression)
    {
        var good = File.ReadAllBytes(TestData.Corpus("EN10MB"));
        var inputPath = Path.Combine(_folder, input + ".pcap");
        File.WriteAllBytes(inputPath, input switch
        {
            "header-only" => good[..24],
            "cut" => good[..(good.Length - 3)],
            _ => good,
        });
        var output = Path.Combine(_folder, "out." + format);

        var result = CliRunner.Run("filter", "-r", inputPath, "-w", output, "--format", format, "--count", expression);

        Assert.Equal(input == "cut" ? 1 : 0, result.ExitCode);
        var accepted = int.Parse(result.Out.Trim(), CultureInfo.InvariantCulture);
        // tcpdump reads every packet (it fails on a file it cannot read): what it copies is what we wrote.
        var copy = Path.Combine(_folder, "copy.pcap");
        Tcpdump.Run("-r", output, "-w", copy);
        using var reader = Capture.Pcapfile.CaptureFileReader.Open(copy);
        var packets = 0;
        while (reader.TryReadPacket(out _))
            packets++;
        Assert.Equal(accepted, packets);
        if (accepted == 0 && format == "pcap")
            Assert.Equal(24, new FileInfo(output).Length);
    }
}
