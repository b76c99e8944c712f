using System.Globalization;
using System.Text;

namespace Bpf.Vm;

/// <summary>
/// Prints and parses programs in the three formats of <c>tcpdump -d</c>, <c>-dd</c> and <c>-ddd</c>,
/// byte-identical to libpcap 1.10.3's <c>bpf_dump</c> and <c>bpf_image</c>.
/// </summary>
/// <remarks>
/// The listing does not print every field: k of <c>ret a</c>, <c>tax</c>, <c>txa</c>, <c>neg</c>,
/// <c>ld #pktlen</c>, operations on <c>x</c> and unknown opcodes, and jt/jf of everything but
/// conditional jumps. Parsing a listing sets those fields to zero, so
/// <c>Parse(Format(p, Listing), Listing) == p</c> holds for programs that keep them zero, as
/// libpcap's compiler does. The two numeric formats round-trip every program.
/// </remarks>
public static class BpfText
{
    /// <summary>Prints <paramref name="program"/> exactly as tcpdump does, each line ending in <c>\n</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a <see cref="DumpFormat"/>.</exception>
    public static string Format(BpfProgram program, DumpFormat format)
    {
        ArgumentNullException.ThrowIfNull(program);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        switch (format)
        {
            case DumpFormat.Listing:
                for (var i = 0; i < program.Count; i++)
                    text.Append(InstructionImage.Format(program[i], i)).Append('\n');
                break;
            case DumpFormat.CArray:
                foreach (var insn in program)
                    text.Append(inv, $"{{ 0x{insn.Code:x}, {insn.Jt}, {insn.Jf}, 0x{insn.K:x8} }},\n");
                break;
            case DumpFormat.Decimal:
                text.Append(inv, $"{program.Count}\n");
                foreach (var insn in program)
                    text.Append(inv, $"{insn.Code} {insn.Jt} {insn.Jf} {insn.K}\n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "unknown dump format");
        }
        return text.ToString();
    }

    /// <summary>
    /// One line of the <c>tcpdump -d</c> listing (libpcap's <c>bpf_image</c>), without the newline;
    /// jump targets are absolute, computed from <paramref name="index"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public static string FormatInstruction(Instruction instruction, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return InstructionImage.Format(instruction, index);
    }

    /// <summary>Parses text in the given format (what tcpdump prints; blank lines and surrounding spaces are ignored).</summary>
    /// <exception cref="BpfTextException">A line is not in that format; the exception names the line.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a <see cref="DumpFormat"/>.</exception>
    public static BpfProgram Parse(string text, DumpFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = SplitLines(text);
        return format switch
        {
            DumpFormat.Listing => ListingParser.Parse(lines),
            DumpFormat.CArray => NumericParser.ParseCArray(lines),
            DumpFormat.Decimal => NumericParser.ParseDecimal(lines),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown dump format"),
        };
    }

    /// <summary>Parses text in whichever of the three formats its first non-blank line shows.</summary>
    /// <exception cref="BpfTextException">The format cannot be recognized, or a line is malformed.</exception>
    public static BpfProgram Parse(string text) => Parse(text, Detect(text));

    /// <summary>
    /// The format of <paramref name="text"/>, from its first non-blank line: <c>(</c> starts a
    /// listing, <c>{</c> a C array, a digit the decimal count.
    /// </summary>
    /// <exception cref="BpfTextException">No line starts like any of the three formats.</exception>
    public static DumpFormat Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (number, line) in SplitLines(text))
        {
            return line[0] switch
            {
                '(' => DumpFormat.Listing,
                '{' => DumpFormat.CArray,
                >= '0' and <= '9' => DumpFormat.Decimal,
                _ => throw new BpfTextException(number, "not a program dump: expected '(' (tcpdump -d), '{' (-dd) or an instruction count (-ddd)"),
            };
        }
        throw new BpfTextException(1, "empty text: cannot tell which dump format it is");
    }

    // Non-blank lines, trimmed, with their 1-based line numbers.
    private static List<(int Number, string Line)> SplitLines(string text)
    {
        var lines = new List<(int, string)>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length > 0)
                lines.Add((number, line));
        }
        return lines;
    }
}
