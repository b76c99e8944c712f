using Bpf.Cli.Verification;
using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf equiv</c>: the argument layer over <see cref="EquivVerb"/>.</summary>
internal sealed class EquivCommand : ICommand
{
    public string Name => "equiv";

    public string Usage => "equiv [-y LINKTYPE] [-s SNAPLEN] [--libpcap head|1.10] [--timeout S] (A | --program FILE) (B | --program FILE)";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, ["-y", "-s", "--libpcap", "--timeout", "--program"], []);
        var operands = Operands(args, reader);
        if (operands.Count != 2)
            throw new UsageException("expected two filters, each an expression or --program FILE");
        var linkTypes = reader.Values("-y");
        if (linkTypes.Count > 2)
            throw new UsageException("-y: give one link type for both filters, or one for each");
        var settings = VerificationArguments.Settings(reader, linkTypes.Count > 0 ? linkTypes[0] : null);
        LinkType? linkTypeB = linkTypes.Count == 2 ? VerificationArguments.LinkType(linkTypes[1]) : null;
        return EquivVerb.Run(operands[0], operands[1], linkTypeB, settings, context);
    }

    // Expressions and --program files in the order given: "--program a.txt 'tcp'" makes the file A.
    private static List<FilterOperand> Operands(IReadOnlyList<string> args, ArgumentReader reader)
    {
        var files = new Queue<string>(reader.Values("--program"));
        var expressions = new Queue<string>(reader.Operands);
        var result = new List<FilterOperand>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--program" && files.Count > 0)
            {
                result.Add(new FilterOperand(files.Dequeue(), IsProgramFile: true));
                i++;
            }
            else if (args[i] is "-y" or "-s" or "--libpcap" or "--timeout")
                i++;
            else if (expressions.Count > 0 && args[i] == expressions.Peek())
                result.Add(new FilterOperand(expressions.Dequeue(), IsProgramFile: false));
        }
        return result;
    }
}

/// <summary>The options <c>equiv</c> and <c>witness</c> share.</summary>
internal static class VerificationArguments
{
    public static VerificationSettings Settings(ArgumentReader reader, string? linkType)
    {
        var snaplen = (int)reader.Number("-s", CompileCommand.DefaultSnaplen, 0, int.MaxValue);
        var compatibility = reader.Choice("--libpcap", "head", "head", "1.10") == "1.10" ? LibpcapCompatibility.V1_10 : LibpcapCompatibility.Head;
        return new VerificationSettings(LinkType(linkType ?? "EN10MB"), snaplen == 0 ? CompileCommand.DefaultSnaplen : snaplen, compatibility,
            reader.Duration("--timeout") ?? TimeSpan.FromSeconds(30));
    }

    /// <exception cref="InputException">Not a link type name or number.</exception>
    public static LinkType LinkType(string text) =>
        Bpf.Vm.LinkTypes.TryParse(text, out var linkType) ? linkType : throw new InputException($"unknown data link type '{text}'");
}
