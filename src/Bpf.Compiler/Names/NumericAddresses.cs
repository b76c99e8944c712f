using System.Globalization;
using System.Net;
using System.Net.Sockets;

using Bpf.Vm;

namespace Bpf.Compiler.Names;

/// <summary>
/// The numeric forms the C library accepts where a name is expected: <c>inet_aton</c> and
/// <c>inet_network</c> (1-4 parts, each decimal, 0x-hex or 0-octal) and IPv6 text.
/// </summary>
internal static class NumericAddresses
{
    /// <summary>
    /// <c>inet_aton</c>: "a.b.c.d", "a.b.c" (c is 16 bits), "a.b" (b is 24 bits) or "a" (32 bits).
    /// </summary>
    public static bool TryParseInetAton(string text, out uint address)
    {
        address = 0;
        var parts = text.Split('.');
        if (parts.Length is < 1 or > 4)
            return false;
        var values = new uint[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!TryParseCNumber(parts[i], out values[i]))
                return false;
        for (var i = 0; i < values.Length - 1; i++)
            if (values[i] > 255)
                return false;
        var last = values[^1];
        var lastBits = 8 * (5 - parts.Length);
        if (lastBits < 32 && last >= 1u << lastBits)
            return false;
        for (var i = 0; i < values.Length - 1; i++)
            address |= values[i] << (24 - 8 * i);
        address |= last;
        return true;
    }

    /// <summary>
    /// <c>inet_network</c>: up to four parts of at most 8 bits, combined without left-justifying,
    /// so "127" is 0x7f and "127.0.0.0" is 0x7f000000.
    /// </summary>
    public static bool TryParseInetNetwork(string text, out uint network)
    {
        network = 0;
        var parts = text.Split('.');
        if (parts.Length is < 1 or > 4)
            return false;
        foreach (var part in parts)
        {
            if (!TryParseCNumber(part, out var v) || v > 255)
                return false;
            network = (network << 8) | v;
        }
        return true;
    }

    /// <summary>An IPv4 (inet_aton forms) or IPv6 numeric host, as getaddrinfo accepts it.</summary>
    public static IPAddress? TryParseHost(string text)
    {
        if (TryParseInetAton(text, out var v4))
            return new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(v4));
        if (text.Contains(':') && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            return v6;
        return null;
    }

    // A C integer literal as strtoul(..., 0) reads it, whole string only.
    private static bool TryParseCNumber(string s, out uint value)
    {
        value = 0;
        if (s.Length == 0)
            return false;
        if (s.Length > 2 && s[0] == '0' && (s[1] is 'x' or 'X'))
            return uint.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        if (s.Length > 1 && s[0] == '0')
        {
            foreach (var c in s)
            {
                if (c is < '0' or > '7')
                    return false;
                var next = ((ulong)value << 3) | (uint)(c - '0');
                if (next > uint.MaxValue)
                    return false;
                value = (uint)next;
            }
            return true;
        }
        foreach (var c in s)
            if (!char.IsAsciiDigit(c))
                return false;
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
