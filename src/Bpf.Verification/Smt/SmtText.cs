using System.Globalization;

namespace Bpf.Verification.Smt;

/// <summary>SMT-LIB 2 literals for bit-vectors, and the values solvers print for them.</summary>
internal static class SmtText
{
    /// <summary>A 32-bit literal: <c>#x0000002a</c>.</summary>
    public static string Word(uint value) => "#x" + value.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>An 8-bit literal: <c>#x2a</c>.</summary>
    public static string Byte(byte value) => "#x" + value.ToString("x2", CultureInfo.InvariantCulture);

    /// <summary>Parses <c>#x..</c>, <c>#b..</c> or <c>(_ bvN W)</c>, as z3 and cvc5 print bit-vector values.</summary>
    /// <exception cref="FormatException">Not a bit-vector value.</exception>
    public static ulong ParseBitVector(string text)
    {
        if (text.StartsWith("#x", StringComparison.Ordinal))
            return ulong.Parse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (text.StartsWith("#b", StringComparison.Ordinal))
            return Convert.ToUInt64(text[2..], 2);
        var expression = SExpression.Parse(text);
        if (expression.Children is [{ Atom: "_" }, { Atom: { } bv }, _] && bv.StartsWith("bv", StringComparison.Ordinal))
            return ulong.Parse(bv.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture);
        throw new FormatException($"not a bit-vector value: {text}");
    }
}
