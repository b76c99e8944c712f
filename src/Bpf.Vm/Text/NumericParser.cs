using System.Globalization;
using System.Text.RegularExpressions;

namespace Bpf.Vm;

/// <summary>Parses the two numeric dumps: <c>tcpdump -dd</c> (C array) and <c>tcpdump -ddd</c> (decimal).</summary>
internal static partial class NumericParser
{
    [GeneratedRegex(@"^\{\s*0x([0-9a-fA-F]+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*0x([0-9a-fA-F]+)\s*\}\s*,?$", RegexOptions.CultureInvariant)]
    private static partial Regex CArrayLine();

    [GeneratedRegex(@"^(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalLine();

    /// <summary>Parses <c>{ 0x28, 0, 0, 0x0000000c },</c> lines.</summary>
    public static BpfProgram ParseCArray(List<(int Number, string Line)> lines)
    {
        var program = new Instruction[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var (number, line) = lines[i];
            var match = CArrayLine().Match(line);
            if (!match.Success)
                throw new BpfTextException(number, $"expected '{{ 0xCODE, JT, JF, 0xK }},' but found '{line}'");
            program[i] = Build(number, match, NumberStyles.AllowHexSpecifier);
        }
        return new BpfProgram(program);
    }

    /// <summary>Parses the instruction count line, then that many <c>code jt jf k</c> lines.</summary>
    public static BpfProgram ParseDecimal(List<(int Number, string Line)> lines)
    {
        if (lines.Count == 0)
            throw new BpfTextException(1, "expected the instruction count");
        var (countLine, countText) = lines[0];
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new BpfTextException(countLine, $"expected the instruction count but found '{countText}'");
        if (lines.Count - 1 != count)
        {
            var where = lines.Count - 1 > count ? lines[count + 1].Number : lines[^1].Number;
            throw new BpfTextException(where, $"the count line says {count} instructions but {lines.Count - 1} follow");
        }
        var program = new Instruction[count];
        for (var i = 0; i < count; i++)
        {
            var (number, line) = lines[i + 1];
            var match = DecimalLine().Match(line);
            if (!match.Success)
                throw new BpfTextException(number, $"expected 'CODE JT JF K' in decimal but found '{line}'");
            program[i] = Build(number, match, NumberStyles.None);
        }
        return new BpfProgram(program);
    }

    private static Instruction Build(int number, Match match, NumberStyles codeAndKStyle)
    {
        var inv = CultureInfo.InvariantCulture;
        if (!ushort.TryParse(match.Groups[1].ValueSpan, codeAndKStyle, inv, out var code))
            throw new BpfTextException(number, $"opcode {match.Groups[1].Value} does not fit in 16 bits");
        if (!byte.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, inv, out var jt))
            throw new BpfTextException(number, $"jt {match.Groups[2].Value} does not fit in 8 bits");
        if (!byte.TryParse(match.Groups[3].ValueSpan, NumberStyles.None, inv, out var jf))
            throw new BpfTextException(number, $"jf {match.Groups[3].Value} does not fit in 8 bits");
        if (!uint.TryParse(match.Groups[4].ValueSpan, codeAndKStyle, inv, out var k))
            throw new BpfTextException(number, $"k {match.Groups[4].Value} does not fit in 32 bits");
        return new Instruction(code, jt, jf, k);
    }
}
