using System.Text;
using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Fuzz.Targets;

/// <summary>
/// The filter compiler on arbitrary text: the only exception allowed is its own
/// <see cref="FilterCompileException"/> (with a position inside the text, and never its "internal
/// error" for a program it generated invalid), in both compatibility modes (libpcap head and 1.10), and every program it returns passes libpcap's validator
/// and round-trips through the numeric dump formats.
/// </summary>
internal sealed class ExpressionTarget : IFuzzTarget
{
    // Every input compiles for Ethernet, optimized and not; one more link type, picked by the input's
    // length so it is stable for an input, varies the code generator's link-layer strategies.
    private static readonly LinkType[] s_otherLinkTypes =
    [
        LinkType.RAW, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.IEEE802_11_RADIO, LinkType.NULL,
        LinkType.PPP, LinkType.FDDI, LinkType.SUNATM, LinkType.IPNET, LinkType.PFLOG, LinkType.C_HDLC, LinkType.IEEE802_11,
    ];

    private static readonly CompilerOptions s_unoptimized = CompilerOptions.Default with { Optimize = false };
    private static readonly CompilerOptions s_v110 = CompilerOptions.Default with { Compatibility = LibpcapCompatibility.V1_10 };
    private static readonly CompilerOptions s_v110Unoptimized = s_v110 with { Optimize = false };

    public string Name => "expression";

    public string Description => "filter compiler on text for several link types, optimized and not, libpcap head and 1.10 modes: only FilterCompileException, every program valid";

    public void Run(byte[] input)
    {
        var expression = Encoding.UTF8.GetString(input);
        var other = s_otherLinkTypes[input.Length % s_otherLinkTypes.Length];
        Compile(expression, LinkType.EN10MB, CompilerOptions.Default);
        Compile(expression, LinkType.EN10MB, s_unoptimized);
        Compile(expression, other, CompilerOptions.Default);
        Compile(expression, LinkType.EN10MB, s_v110);
        Compile(expression, LinkType.EN10MB, s_v110Unoptimized);
        Compile(expression, other, s_v110);
    }

    private static void Compile(string expression, LinkType linkType, CompilerOptions options)
    {
        BpfProgram program;
        try
        {
            program = FilterCompiler.Compile(expression, linkType, FilterCompiler.DefaultSnaplen, options);
        }
        catch (FilterCompileException e)
        {
            FuzzFinding.Check(!e.Message.StartsWith("internal error", StringComparison.Ordinal), $"{linkType}: {e.Message}");
            FuzzFinding.Check(e.Position >= 0 && e.Position <= expression.Length,
                $"{linkType}: error position {e.Position} outside the {expression.Length}-character expression: {e.Message}");
            return;
        }
        var validation = BpfValidator.Validate(program, ValidationProfile.Libpcap);
        FuzzFinding.Check(validation.IsValid, $"{linkType}: the compiled program is invalid: {(validation.IsValid ? "" : validation.Diagnostics[0].ToString())}");
        foreach (var format in (ReadOnlySpan<DumpFormat>)[DumpFormat.CArray, DumpFormat.Decimal])
            FuzzFinding.Check(BpfText.Parse(BpfText.Format(program, format), format).Equals(program), $"{linkType}: {format} does not round-trip");
    }
}
