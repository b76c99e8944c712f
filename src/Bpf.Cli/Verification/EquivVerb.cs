using Bpf.Verification;
using Bpf.Vm;

namespace Bpf.Cli.Verification;

/// <summary>
/// <c>bpf equiv [-y LINKTYPE [-y LINKTYPE]] [-s SNAPLEN] [--libpcap head|1.10] [--timeout S] A B</c>: proves two
/// filters (expressions or <c>--program</c> files) return the same value on every packet, or prints the
/// shortest packet the solver finds that tells them apart, after running both in the interpreter.
/// Prints <c>equivalent</c> (exit 0), <c>different</c> + <c>packet HEX wirelen N</c> + <c>verdicts A B</c>
/// (exit 3) or <c>unknown</c> (exit 4).
/// </summary>
internal static class EquivVerb
{
    /// <param name="a">The first filter.</param>
    /// <param name="b">The second filter.</param>
    /// <param name="linkTypeB">The second filter's link type when given apart from the first; it must be the same.</param>
    /// <param name="settings">Link type (of both, or of A), snaplen, libpcap mode, time limit.</param>
    /// <param name="context">Where to write.</param>
    /// <exception cref="VerificationException">Kind LinkTypeMismatch, an invalid or looping program, or a missing solver.</exception>
    public static int Run(FilterOperand a, FilterOperand b, LinkType? linkTypeB, VerificationSettings settings, CliContext context)
    {
        if (linkTypeB is { } other && other != settings.LinkType)
            throw new VerificationException(VerificationErrorKind.LinkTypeMismatch,
                $"link-type mismatch: A is for {LinkTypes.Name(settings.LinkType)}, B for {LinkTypes.Name(other)}; equivalence compares filters of one link type");
        var programA = a.Load(settings.LinkType, settings.Snaplen, settings.CompilerOptions, context);
        var programB = b.Load(settings.LinkType, settings.Snaplen, settings.CompilerOptions, context);
        using var verifier = new BpfVerifier(settings.VerifierOptions);
        var result = verifier.CheckEquivalence(programA, programB);
        switch (result.Verdict)
        {
            case EquivalenceVerdict.Equivalent:
                context.Out.WriteLine("equivalent");
                return Program.ExitOk;
            case EquivalenceVerdict.Different:
                context.Out.WriteLine("different");
                context.Out.WriteLine(result.Packet!.ToString());
                context.Out.WriteLine($"verdicts {result.ResultA} {result.ResultB}");
                return VerificationSettings.ExitDifferent;
            default:
                context.Out.WriteLine("unknown");
                context.Error.WriteLine($"bpf equiv: the solver gave up within {settings.Timeout.TotalSeconds:0.###} s (--timeout)");
                return VerificationSettings.ExitUnknown;
        }
    }
}
