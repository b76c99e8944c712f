using System.Globalization;
using System.Text.RegularExpressions;

namespace Bpf.Vm;

/// <summary>
/// Parses the <c>tcpdump -d</c> listing back into instructions: mnemonic plus operand shape give the
/// opcode, absolute jump targets become relative offsets again. The mnemonic table is derived from
/// <see cref="InstructionImage"/> itself, so printing and parsing cannot disagree.
/// </summary>
internal static partial class ListingParser
{
    private enum Shape { None, X, PacketLength, Hex, Decimal, Memory, Indexed, Absolute, HeaderLength, Target, Code }

    [GeneratedRegex(@"^\((\d+)\)\s+(\S+)(?:\s+(.*?))?(?:\s+jt\s+(-?\d+)\s+jf\s+(-?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Line();

    [GeneratedRegex(@"^(?:(?<x>x)|(?<len>#pktlen)|#0x(?<hex>[0-9a-fA-F]+)|#(?<dec>-?\d+)|M\[(?<mem>-?\d+)\]|\[x \+ (?<ind>-?\d+)\]|4\*\(\[(?<msh>-?\d+)\]&0xf\)|\[(?<abs>-?\d+|[a-z_]+)\]|(?<target>-?\d+)|0x(?<code>[0-9a-fA-F]+))$", RegexOptions.CultureInvariant)]
    private static partial Regex Operand();

    // Declared before s_codes: static fields initialize in text order and BuildTable needs it.
    private static readonly (string Group, Shape Shape)[] s_groups =
    [
        ("x", Shape.X), ("len", Shape.PacketLength), ("hex", Shape.Hex), ("dec", Shape.Decimal),
        ("mem", Shape.Memory), ("ind", Shape.Indexed), ("msh", Shape.HeaderLength), ("abs", Shape.Absolute),
        ("target", Shape.Target), ("code", Shape.Code),
    ];

    private static readonly Dictionary<(string Op, Shape Shape), ushort> s_codes = BuildTable();

    // Every opcode bpf_image knows is below 0x100; a sample k of 1 is never an ancillary name.
    private static Dictionary<(string, Shape), ushort> BuildTable()
    {
        var table = new Dictionary<(string, Shape), ushort>();
        for (ushort code = 0; code < 0x100; code++)
        {
            var (op, operand) = InstructionImage.Describe(new Instruction(code, 0, 0, 1), 0);
            if (op != InstructionImage.Unimplemented)
                table.Add((op, Classify(operand, out _)), code);
        }
        return table;
    }

    /// <summary>Parses the listing lines; each must carry its own index, in order from 0.</summary>
    public static BpfProgram Parse(List<(int Number, string Line)> lines)
    {
        var program = new Instruction[lines.Count];
        for (var i = 0; i < lines.Count; i++)
            program[i] = ParseLine(lines[i].Number, lines[i].Line, i);
        return new BpfProgram(program);
    }

    private static Instruction ParseLine(int number, string line, int index)
    {
        var match = Line().Match(line);
        if (!match.Success)
            throw new BpfTextException(number, $"expected '(NNN) mnemonic operand' but found '{line}'");
        if (!int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var printed) || printed != index)
            throw new BpfTextException(number, $"instruction ({match.Groups[1].Value}) is not numbered {index:000}, its position");
        var op = match.Groups[2].Value;
        var operandText = match.Groups[3].Value;
        var shape = Classify(operandText, out var value);

        ushort code;
        uint k = 0;
        if (op == InstructionImage.Unimplemented)
        {
            if (shape != Shape.Code || !ushort.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                throw new BpfTextException(number, $"'unimp' needs a 16-bit hexadecimal opcode such as 0x8, not '{operandText}'");
            if (InstructionImage.Describe(new Instruction(code, 0, 0, 0), index).Op != InstructionImage.Unimplemented)
                throw new BpfTextException(number, $"opcode 0x{code:x} is known; tcpdump prints it by its mnemonic, not as 'unimp'");
        }
        else
        {
            if (shape == Shape.Code || !s_codes.TryGetValue((op, shape), out code))
                throw new BpfTextException(number, $"'{op}' does not take the operand '{operandText}'");
            k = OperandValue(number, shape, value, index);
        }

        var hasTargets = match.Groups[4].Success;
        if (InstructionImage.HasJumpTargets(code) != hasTargets)
            throw new BpfTextException(number, hasTargets ? $"'{op}' has no jt/jf targets" : $"'{op}' needs 'jt N jf M' targets");
        if (!hasTargets)
            return new Instruction(code, 0, 0, k);
        var jt = Offset(number, "jt", match.Groups[4].Value, index);
        var jf = Offset(number, "jf", match.Groups[5].Value, index);
        return new Instruction(code, jt, jf, k);
    }

    private static Shape Classify(string operand, out string value)
    {
        value = "";
        if (operand.Length == 0)
            return Shape.None;
        var match = Operand().Match(operand);
        if (!match.Success)
            return (Shape)(-1);
        foreach (var (group, shape) in s_groups)
        {
            if (match.Groups[group].Success)
            {
                value = match.Groups[group].Value;
                return shape;
            }
        }
        return (Shape)(-1);
    }

    private static uint OperandValue(int number, Shape shape, string value, int index)
    {
        switch (shape)
        {
            case Shape.None or Shape.X or Shape.PacketLength:
                return 0;
            case Shape.Hex:
                if (!uint.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
                    throw new BpfTextException(number, $"0x{value} does not fit in 32 bits");
                return hex;
            case Shape.Absolute when !char.IsAsciiDigit(value[0]) && value[0] != '-':
                if (!AncillaryOffsets.TryGetOffset(value, out var ancillary))
                    throw new BpfTextException(number, $"unknown ancillary load name '{value}'");
                return ancillary;
            case Shape.Target:
                // ja prints index + 1 + k in 32-bit unsigned arithmetic, shown as signed.
                return unchecked((uint)(Signed(number, value) - index - 1));
            default:
                return unchecked((uint)Signed(number, value));
        }
    }

    // A value printed with %d: a signed 32-bit number, accepted up to 2^32 - 1 as well.
    private static long Signed(int number, string value)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed)
            || parsed < int.MinValue || parsed > uint.MaxValue)
            throw new BpfTextException(number, $"{value} does not fit in 32 bits");
        return parsed;
    }

    private static byte Offset(int number, string name, string target, int index)
    {
        var offset = Signed(number, target) - index - 1;
        if (offset is < 0 or > byte.MaxValue)
            throw new BpfTextException(number, $"{name} {target} is not 1 to 256 instructions after ({index:000})");
        return (byte)offset;
    }
}
