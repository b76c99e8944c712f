using System.Buffers.Binary;
using Bpf.Testing;
using Bpf.Vm;

namespace Bpf.Cli.Tests;

/// <summary>
/// Every verb against every kind of bad input it can be given: a truncated, corrupted or empty capture,
/// a directory, /dev/zero, a missing path, an unwritable output, an invalid or unreadable program, an
/// unknown link type, a bad number. Each must end in one line on standard error naming the verb and
/// the culprit (the file, the option), exit status 1 (2 for usage errors, followed by the synopsis),
/// within a bounded time, and without a stack trace.
/// </summary>
public sealed class BadInputMatrixTests : IClassFixture<BadInputMatrixTests.Files>
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(60);
    private readonly Files _files;

    public BadInputMatrixTests(Files files) => _files = files;

    /// <summary>The bad inputs, made once in a temporary folder and named by placeholders in the cases.</summary>
    public sealed class Files : IDisposable
    {
        public Files()
        {
            Directory.CreateDirectory(Root);
            var good = File.ReadAllBytes(TestData.Corpus("EN10MB"));
            Write("empty.pcap", []);
            Write("header-cut.pcap", good[..10]);
            Write("record-cut.pcap", good[..(24 + 16 + 5)]);
            var magic = good.ToArray();
            magic[0] ^= 0x55;
            Write("bad-magic.pcap", magic);
            var caplen = good.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(caplen.AsSpan(24 + 8), 0x7fffffff);
            Write("bad-caplen.pcap", caplen);
            Write("header-only.pcap", good[..24]);
            Write("invalid.bpf", "2\n21 5 0 1\n6 0 0 1\n"u8.ToArray());
            Write("garbage.bpf", "hello, world\n"u8.ToArray());
            Write("empty.bpf", []);
            Directory.CreateDirectory(Path.Combine(Root, "dir"));
        }

        public string Root { get; } = Path.Combine(Path.GetTempPath(), $"bpf-badinput-{Guid.NewGuid():N}");

        /// <summary>Replaces {name} placeholders: files in the folder, {good} the corpus capture, {dir} a directory.</summary>
        public string Resolve(string arg) => arg switch
        {
            "{good}" => TestData.Corpus("EN10MB"),
            "{dir}" => Path.Combine(Root, "dir"),
            "{missing}" => Path.Combine(Root, "no-such-file"),
            // Not writable even as root: its parent is a file.
            "{unwritable}" => Path.Combine(TestData.Corpus("EN10MB"), "out.pcap"),
            "{out}" => Path.Combine(Root, "out.pcap"),
            ['{', .. var name, '}'] => Path.Combine(Root, name),
            _ => arg,
        };

        private void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(Root, name), bytes);

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }

    // Captures every capture-reading verb is given; each must be named in the message.
    private static readonly string[] s_badCaptures =
        ["{empty.pcap}", "{header-cut.pcap}", "{record-cut.pcap}", "{bad-magic.pcap}", "{bad-caplen.pcap}", "{dir}", "/dev/zero", "{missing}"];

    private static readonly string[] s_badPrograms = ["{invalid.bpf}", "{garbage.bpf}", "{empty.bpf}", "{dir}", "/dev/zero", "{missing}"];

    public static TheoryData<string, int, string> Cases()
    {
        var cases = new TheoryData<string, int, string>();
        void Add(int exit, string named, params string[] args) => cases.Add(string.Join('|', args), exit, named);
        foreach (var capture in s_badCaptures)
        {
            Add(1, capture, "filter", "-r", capture, "ip");
            Add(1, capture, "filter", "-r", "{good}", "-r", capture, "--count", "ip");
            Add(1, capture, "filter", "-r", capture, "-w", "{out}", "ip");
            Add(1, capture, "stats", "-r", capture, "ip", "tcp");
            Add(1, capture, "bench", "-r", capture, "--engine", "interp", "--seconds", "0.1", "ip");
            Add(1, capture, "udp-recv", "-r", capture, "--port", "53", "--count", "1");
        }
        foreach (var program in s_badPrograms)
        {
            // A program that parses but is invalid is named by its first bad instruction.
            var named = program == "{invalid.bpf}" ? "instruction 0" : program;
            Add(1, named, "filter", "-r", "{good}", "--program", program);
            Add(1, named, "bench", "-r", "{good}", "--engine", "interp", "--seconds", "0.1", "--program", program);
            Add(1, named, "validate", program);
            // dump converts text: a program that parses is dumped whatever it does.
            if (program != "{invalid.bpf}")
                Add(1, program, "dump", "-dd", program);
        }
        Add(1, "{unwritable}", "filter", "-r", "{good}", "-w", "{unwritable}", "ip");
        Add(1, "{dir}", "filter", "-r", "{good}", "-w", "{dir}", "ip");
        Add(1, "NOSUCHLINK", "compile", "-y", "NOSUCHLINK", "ip");
        Add(1, "nosuchproto", "filter", "-r", "{good}", "ip proto nosuchproto");
        Add(1, "nosuchproto", "stats", "-r", "{good}", "ip", "ip proto nosuchproto");
        Add(1, "nosuchproto", "bench", "-r", "{good}", "--seconds", "0.1", "ip proto nosuchproto");
        Add(2, "-s", "compile", "-s", "12x", "ip");
        Add(2, "--threads", "filter", "-r", "{good}", "--threads", "0", "ip");
        Add(2, "--threads", "stats", "-r", "{good}", "--threads", "many", "ip");
        Add(2, "--seconds", "bench", "-r", "{good}", "--seconds", "-1", "ip");
        Add(2, "--interval", "stats", "-r", "{good}", "--interval", "soon", "ip");
        Add(2, "--format", "filter", "-r", "{good}", "-w", "{out}", "--format", "pcapx", "ip");
        Add(2, "--engine", "filter", "-r", "{good}", "--engine", "fast", "ip");
        Add(2, "--port", "udp-recv", "-r", "{good}", "--port", "70000");
        Add(2, "--count", "udp-recv", "-r", "{good}", "--port", "53", "--count", "x");
        Add(2, "-c", "capture", "-i", "lo", "-c", "ten");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_OneLineNamingIt_ExitStatus(string joinedArgs, int exit, string named)
    {
        var args = joinedArgs.Split('|').Select(_files.Resolve).ToArray();
        var culprit = _files.Resolve(named);
        // A hang fails the case (TimeoutException) instead of the run.
        var result = await Task.Run(() => CliRunner.Run(args)).WaitAsync(s_limit);

        Assert.Equal(exit, result.ExitCode);
        var lines = result.Error.TrimEnd('\n').Split('\n');
        // A usage error adds the verb's synopsis and where to find help.
        Assert.InRange(lines.Length, 1, exit == 2 ? 3 : 1);
        Assert.StartsWith($"bpf {args[0]}: ", lines[0]);
        Assert.Contains(culprit, lines[0]);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Exception", result.Error);
        if (exit == 2)
            Assert.StartsWith($"usage: bpf {args[0]}", lines[1]);
    }

    [Fact]
    public void TruncatedInput_WithOutput_LeavesAValidCaptureOfWhatCameBefore()
    {
        var good = File.ReadAllBytes(TestData.Corpus("EN10MB"));
        var input = Path.Combine(_files.Root, "cut-late.pcap");
        File.WriteAllBytes(input, good[..(good.Length - 3)]);
        var output = Path.Combine(_files.Root, "cut-late-out.pcap");

        var result = CliRunner.Run("filter", "-r", input, "-w", output, "--count", "");

        Assert.Equal(1, result.ExitCode);
        using var reader = Capture.Pcapfile.CaptureFileReader.Open(output);
        var count = 0;
        while (reader.TryReadPacket(out _))
            count++;
        Assert.Equal(result.Out.Trim(), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(count > 0);
    }
}
