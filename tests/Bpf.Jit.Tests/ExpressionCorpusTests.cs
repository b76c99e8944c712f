using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Jit.Tests;

/// <summary>
/// Every expression of the compiler's differential corpus (tests/data/expressions/&lt;LINKTYPE&gt;.txt) that
/// libpcap compiles, optimized and not, over the packets of the capture of that link type: the JIT and
/// the interpreter return what libpcap's bpf_filter returns. Programs come from libpcap's compiler so
/// this checks the engines alone, whatever the state of ours.
/// </summary>
public class ExpressionCorpusTests
{
    // Large captures are sampled evenly so the whole file stays within the test-time budget.
    private const int MaxPacketsPerFile = 2500;

    public static TheoryData<string> LinkTypesWithCaptures() => new(
        Directory.GetFiles(TestData.File("expressions"), "*.txt")
            .Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(name => File.Exists(TestData.Corpus(name)))
            .Order(StringComparer.Ordinal));

    // Some corpora (e.g. DSA_TAG_DSA) hold only expressions libpcap rejects, kept for error parity;
    // they compile nothing here.
    [LibpcapTheory]
    [MemberData(nameof(LinkTypesWithCaptures))]
    public void CorpusExpressions_EnginesMatchLibpcap(string linkTypeName)
    {
        var (linkType, snaplen, packets) = Libpcap.ReadFile(TestData.Corpus(linkTypeName));
        var stride = Math.Max(1, packets.Count / MaxPacketsPerFile);
        var sample = packets.Where((_, i) => i % stride == 0).ToArray();
        var expressions = File.ReadLines(TestData.File(Path.Combine("expressions", linkTypeName + ".txt")))
            .Where(line => line.Length > 0 && !line.StartsWith('#'));
        foreach (var expression in expressions)
            foreach (var optimize in new[] { true, false })
            {
                if (Libpcap.Compile(linkType, snaplen, expression, optimize, out _) is not { } program)
                    continue;
                var jit = BpfJit.Compile(new BpfProgram(program));
                var interpreter = new BpfInterpreter(new BpfProgram(program));
                foreach (var packet in sample)
                {
                    var expected = Libpcap.Filter(program, packet.Data, packet.WireLength);
                    var fromJit = jit(packet.Data, packet.WireLength);
                    var fromInterpreter = interpreter.Run(packet.Data, packet.WireLength);
                    if (fromJit != expected || fromInterpreter != expected)
                        Assert.Fail($"'{expression}' (optimize {optimize}): jit {fromJit}, interpreter {fromInterpreter}, " +
                            $"libpcap {expected} on {Convert.ToHexString(packet.Data)} (wire {packet.WireLength})");
                }
            }
    }
}
