using Bpf.Verification;
using Capture.Pcapfile;

namespace Bpf.Cli.Verification;

/// <summary>
/// <c>bpf witness [-y LINKTYPE] [-s SNAPLEN] [--libpcap head|1.10] [--timeout S] [--reject] [-c N] [-w FILE] FILTER</c>:
/// prints up to N distinct packets the filter accepts (or rejects), one <c>packet HEX wirelen N</c> line
/// each, every one confirmed in the interpreter; <c>-w</c> also writes them as a pcap of the link type.
/// <c>none</c> and exit 3 when no packet can be accepted (rejected); <c>unknown</c> and exit 4 when the
/// solver gives up first (after the packets it did find).
/// </summary>
internal static class WitnessVerb
{
    /// <exception cref="VerificationException">An invalid or looping program, or a missing solver.</exception>
    /// <exception cref="IOException">The -w file cannot be written.</exception>
    public static int Run(FilterOperand filter, bool reject, int count, string? writePath, VerificationSettings settings, CliContext context)
    {
        var program = filter.Load(settings.LinkType, settings.Snaplen, settings.CompilerOptions, context);
        using var verifier = new BpfVerifier(settings.VerifierOptions);
        var result = verifier.FindPackets(program, accepted: !reject, count);
        // -w - puts the capture on standard output, so the packet lines go to standard error.
        var lines = writePath == CliContext.StandardStream ? context.Error : context.Out;
        foreach (var witness in result.Packets)
            lines.WriteLine(witness.Packet.ToString());
        if (writePath is not null && result.Packets.Count > 0)
            Write(writePath, result.Packets, settings, context);
        if (result.Packets.Count == 0 && result.Exhausted)
        {
            lines.WriteLine("none");
            return VerificationSettings.ExitDifferent;
        }
        if (result.TimedOut)
        {
            lines.WriteLine("unknown");
            context.Error.WriteLine($"bpf witness: the solver gave up within {settings.Timeout.TotalSeconds:0.###} s (--timeout) after {result.Packets.Count} packet(s)");
            return VerificationSettings.ExitUnknown;
        }
        return Program.ExitOk;
    }

    private static void Write(string path, IReadOnlyList<Witness> packets, VerificationSettings settings, CliContext context)
    {
        var stream = path == CliContext.StandardStream ? context.OpenOutput() : File.Create(path);
        using var writer = CaptureFileWriter.Create(stream, CaptureFileFormat.Pcap, settings.LinkType, settings.Snaplen);
        // One second apart from the epoch: the packets have no time of their own.
        for (var i = 0; i < packets.Count; i++)
            writer.Write(packets[i].Packet.Data.AsSpan(), packets[i].Packet.WireLength, i * 1_000_000_000L, settings.LinkType);
    }
}
