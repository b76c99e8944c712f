using System.Globalization;

using Bpf.Vm;

namespace Bpf.Cli.Bench;

/// <summary>What <see cref="FilterBench.Run(IReadOnlyList{byte[]}, IReadOnlyList{uint}, BpfFilterDelegate, TimeSpan)"/> measured.</summary>
/// <param name="NsPerPacket">Mean wall-clock nanoseconds per filter run over the timed loop.</param>
/// <param name="Packets">How many filter runs the timed loop made (all passes over the packets).</param>
/// <param name="Accepted">How many of the loaded packets the filter accepts (one pass; non-zero result).</param>
internal readonly record struct BenchResult(double NsPerPacket, long Packets, long Accepted)
{
    /// <summary>
    /// The line <c>bpf bench</c> prints, e.g. <c>engine jit ns_per_packet 2.10 packets 123456789 accepted 4567</c>.
    /// </summary>
    /// <param name="engine">The engine name to print (<c>jit</c>, <c>interp</c>, ...).</param>
    public string ToLine(string engine) => string.Create(CultureInfo.InvariantCulture,
        $"engine {engine} ns_per_packet {NsPerPacket:F2} packets {Packets} accepted {Accepted}");
}
