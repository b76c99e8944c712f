using System.Globalization;
using System.Net;

using Bpf.Vm;

namespace Bpf.Compiler.Names;

/// <summary>
/// Parsers for the system databases libpcap reaches through the C library on Linux (glibc's
/// "files" NSS backend): one entry per line, '#' starts a comment, fields split by blanks.
/// Each returns the entries in file order; lookups keep the first match, as glibc does.
/// </summary>
internal static class SystemDatabases
{
    /// <summary>One /etc/services entry: <c>name port/protocol aliases...</c>.</summary>
    public readonly record struct Service(string[] Names, int Port, string Protocol);

    /// <summary>The fields of each non-empty line with comments removed.</summary>
    public static IEnumerable<string[]> Lines(IEnumerable<string> lines)
    {
        foreach (var line in lines)
        {
            var hash = line.IndexOf('#');
            var text = hash >= 0 ? line[..hash] : line;
            var fields = text.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0)
                yield return fields;
        }
    }

    /// <summary>/etc/hosts: an address, then a canonical name and aliases.</summary>
    public static List<(IPAddress Address, string[] Names)> ParseHosts(IEnumerable<string> lines)
    {
        var result = new List<(IPAddress, string[])>();
        foreach (var f in Lines(lines))
            if (f.Length >= 2 && IPAddress.TryParse(f[0], out var address) && (f[0].Contains(':') || f[0].Count(c => c == '.') == 3))
                result.Add((address, f[1..]));
        return result;
    }

    /// <summary>/etc/services: <c>name port/proto aliases</c>.</summary>
    public static List<Service> ParseServices(IEnumerable<string> lines)
    {
        var result = new List<Service>();
        foreach (var f in Lines(lines))
        {
            if (f.Length < 2)
                continue;
            var slash = f[1].IndexOf('/');
            if (slash <= 0 || !int.TryParse(f[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                continue;
            result.Add(new Service([f[0], .. f[2..]], port, f[1][(slash + 1)..]));
        }
        return result;
    }

    /// <summary>/etc/protocols: <c>name number aliases</c>.</summary>
    public static List<(string[] Names, int Number)> ParseProtocols(IEnumerable<string> lines)
    {
        var result = new List<(string[], int)>();
        foreach (var f in Lines(lines))
            if (f.Length >= 2 && int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                result.Add(([f[0], .. f[2..]], number));
        return result;
    }

    /// <summary>
    /// /etc/networks: <c>name number aliases</c>, the number as glibc's files backend reads it: padded
    /// with ".0" to four parts before inet_network (so "10.20" is 10.20.0.0, and libpcap, which
    /// left-justifies only numbers with a zero top byte, compares all 32 bits).
    /// </summary>
    public static List<(string[] Names, uint Network)> ParseNetworks(IEnumerable<string> lines)
    {
        var result = new List<(string[], uint)>();
        foreach (var f in Lines(lines))
            if (f.Length >= 2 && NumericAddresses.TryParseInetNetwork(PadToFourParts(f[1]), out var network))
                result.Add(([f[0], .. f[2..]], network));
        return result;
    }

    private static string PadToFourParts(string number)
    {
        var parts = 1 + Math.Min(3, number.Count(c => c == '.'));
        return parts < 4 ? number + string.Concat(Enumerable.Repeat(".0", 4 - parts)) : number;
    }

    /// <summary>/etc/ethers: <c>xx:xx:xx:xx:xx:xx name</c> (glibc's ether_line: 1-2 hex digits per byte).</summary>
    public static List<(byte[] Mac, string Name)> ParseEthers(IEnumerable<string> lines)
    {
        var result = new List<(byte[], string)>();
        foreach (var f in Lines(lines))
            if (f.Length >= 2 && TryParseMac(f[0], out var mac))
                result.Add((mac, f[1]));
        return result;
    }

    private static bool TryParseMac(string text, out byte[] mac)
    {
        mac = new byte[6];
        var parts = text.Split(':');
        if (parts.Length != 6)
            return false;
        for (var i = 0; i < 6; i++)
            if (parts[i].Length is < 1 or > 2 || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mac[i]))
                return false;
        return true;
    }
}
