using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// scanner.l's IPv6 patterns (V680 ... V6004) without 59 regular expressions: the longest prefix
/// of the text that is eight groups, or at most seven groups around one <c>::</c>, optionally
/// ending in a dotted IPv4 tail (six groups, or at most five around <c>::</c>).
/// </summary>
internal static class Ipv6Shape
{
    /// <summary>Length of the longest IPv6-pattern match at <paramref name="pos"/>, or 0.</summary>
    public static int LongestMatch(string text, int pos)
    {
        int end = pos;
        while (end < text.Length && (char.IsAsciiHexDigit(text[end]) || text[end] is ':' or '.' or 'x' or 'X'))
            end++;
        // Without a '::' a match is eight groups (seven colons) or six and an IPv4 tail (six): a run
        // with neither has no match at any length (a MAC address, the '6:2' of ip[6:2]), and each
        // length tried costs a split of the text.
        var run = text.AsSpan(pos, end - pos);
        if (run.Count(':') < 6 && !run.Contains("::", StringComparison.Ordinal))
            return 0;
        for (int length = end - pos; length >= 2; length--)
            if (Matches(text.AsSpan(pos, length)))
                return length;
        return 0;
    }

    private static bool Matches(ReadOnlySpan<char> s)
    {
        if (s.Contains('.'))
        {
            int colon = s.LastIndexOf(':');
            if (colon < 0 || !IsDottedQuad(s[(colon + 1)..]))
                return false;
            var head = s[..(colon + 1)];
            int gap = head.IndexOf("::");
            if (gap < 0)
                return CountGroups(head[..^1]) == 6;
            var left = head[..gap];
            var right = head[(gap + 2)..];
            if (right.Length > 0 && right[^1] != ':')
                return false;
            int l = left.Length == 0 ? 0 : CountGroups(left);
            int r = right.Length == 0 ? 0 : CountGroups(right[..^1]);
            return l >= 0 && r >= 0 && l + r <= 5;
        }
        int doubleColon = s.IndexOf("::");
        if (doubleColon < 0)
            return CountGroups(s) == 8;
        var before = s[..doubleColon];
        var after = s[(doubleColon + 2)..];
        int b = before.Length == 0 ? 0 : CountGroups(before);
        int a = after.Length == 0 ? 0 : CountGroups(after);
        return b >= 0 && a >= 0 && a + b <= 7;
    }

    /// <summary>The number of ':'-separated groups of 1-4 hex digits, or -1 if any part is not one.</summary>
    private static int CountGroups(ReadOnlySpan<char> s)
    {
        int count = 0;
        foreach (var range in s.Split(':'))
        {
            var group = s[range];
            if (group.Length is < 1 or > 4 || group.ContainsAnyExcept("0123456789abcdefABCDEF"))
                return -1;
            count++;
        }
        return count;
    }

    /// <summary>{N}.{N}.{N}.{N} with N decimal digits or 0x hex digits.</summary>
    private static bool IsDottedQuad(ReadOnlySpan<char> s)
    {
        int parts = 0;
        foreach (var range in s.Split('.'))
        {
            var n = s[range];
            bool hex = n.Length > 2 && n[0] == '0' && n[1] is 'x' or 'X' && !n[2..].ContainsAnyExcept("0123456789abcdefABCDEF");
            bool dec = n.Length > 0 && !n.ContainsAnyExcept("0123456789");
            if (!hex && !dec)
                return false;
            parts++;
        }
        return parts == 4;
    }
}
