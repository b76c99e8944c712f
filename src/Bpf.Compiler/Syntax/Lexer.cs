using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// libpcap's scanner.l in C#: flex semantics (the longest match wins, ties go to the earlier rule),
/// the same token patterns, the same number conversion (<c>stou</c>) and the same scanner errors.
/// </summary>
internal static partial class Lexer
{
    private const string B = "[0-9A-Fa-f]{1,2}";
    private const string B2 = "[0-9A-Fa-f]{4}";
    // The hex alternative first: .NET alternation takes the first that matches, flex the longest.
    private const string N = "(?:0[xX][0-9A-Fa-f]+|[0-9]+)";

    private const string Anchor = @"\G(?:";

    // Source-generated: no pattern parsing or interpreter setup the first time an expression is compiled.
    [GeneratedRegex(Anchor + @"\$" + B + ")", RegexOptions.CultureInvariant)]
    private static partial Regex AidPattern();

    [GeneratedRegex(Anchor + B + ":" + B + ":" + B + ":" + B + ":" + B + ":" + B + ")", RegexOptions.CultureInvariant)]
    private static partial Regex MacColons();

    [GeneratedRegex(Anchor + B + "-" + B + "-" + B + "-" + B + "-" + B + "-" + B + ")", RegexOptions.CultureInvariant)]
    private static partial Regex MacDashes();

    [GeneratedRegex(Anchor + B + @"\." + B + @"\." + B + @"\." + B + @"\." + B + @"\." + B + ")", RegexOptions.CultureInvariant)]
    private static partial Regex MacDots();

    [GeneratedRegex(Anchor + B2 + @"\." + B2 + @"\." + B2 + ")", RegexOptions.CultureInvariant)]
    private static partial Regex MacDottedQuads();

    [GeneratedRegex(Anchor + B2 + B2 + B2 + ")", RegexOptions.CultureInvariant)]
    private static partial Regex MacHex();

    [GeneratedRegex(Anchor + B + ":+(?:" + B + ":+)+" + ")", RegexOptions.CultureInvariant)]
    private static partial Regex BogusEtherPattern();

    [GeneratedRegex(Anchor + @"\\[^ !()\n\t]+" + ")", RegexOptions.CultureInvariant)]
    private static partial Regex EscapedIdPattern();

    private static Regex s_aid => AidPattern();
    private static Regex s_bogusEther => BogusEtherPattern();
    private static Regex s_escapedId => EscapedIdPattern();
    private static readonly string[] s_operators = [">=", "<=", "!=", "==", "<<", ">>", "&&", "||"];
    private const string SingleCharOperators = "+-*/%:[]!<>()&|^=";
    private static readonly string[] s_singleCharOperators = ["+", "-", "*", "/", "%", ":", "[", "]", "!", "<", ">", "(", ")", "&", "|", "^", "="];

    /// <summary>
    /// Scans the whole expression. The list ends with an <see cref="TokenKind.End"/> token, or with a
    /// <see cref="TokenKind.LexError"/> token where scanning failed (flex hands LEX_ERROR to the
    /// parser, which then fails there; its message survives only if the parser gets that far).
    /// </summary>
    public static List<Token> Tokenize(string text)
    {
        // Sized for the usual token density (a token per 3-4 characters: 'tcp port 80' has 4 with
        // the end): the list rarely grows (each growth a new array of 24-byte tokens).
        var tokens = new List<Token>((text.Length >> 2) + 4);
        TokenizeInto(text, tokens);
        return tokens;
    }

    /// <summary>
    /// <see cref="Tokenize"/> into this thread's token list (a new one if it is out): the parse's
    /// list and its array are the two largest objects a parse made (~190 of its ~570 bytes), and
    /// every compile's parse needs one. Hand it back with <see cref="Return"/> once no one reads it.
    /// </summary>
    public static List<Token> TokenizeRented(string text)
    {
        var tokens = t_tokens ?? new List<Token>((text.Length >> 2) + 4);
        t_tokens = null;
        TokenizeInto(text, tokens);
        return tokens;
    }

    /// <summary>Gives a list from <see cref="TokenizeRented"/> back to this thread (emptied; a huge one is dropped).</summary>
    public static void Return(List<Token> tokens)
    {
        if (tokens.Capacity <= PooledTokens)
        {
            // Also lets go of the tokens' strings.
            tokens.Clear();
            t_tokens = tokens;
        }
    }

    /// <summary>The largest token list a thread keeps for its next parse.</summary>
    private const int PooledTokens = 1024;

    [ThreadStatic]
    private static List<Token>? t_tokens;

    private static void TokenizeInto(string text, List<Token> tokens)
    {
        int pos = 0;
        while (true)
        {
            while (pos < text.Length && text[pos] is ' ' or '\t' or '\r' or '\n')
                pos++;
            if (pos == text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", 0, pos));
                // Most expressions have no parenthesis: one vectorized search instead of a pass over the tokens.
                if (text.Contains('('))
                    MarkArithmeticGroups(tokens);
                return;
            }
            var (token, length) = Next(text, pos);
            tokens.Add(token);
            if (token.Kind == TokenKind.LexError)
                return;
            pos += length;
        }
    }

    private static (Token Token, int Length) Next(string text, int pos)
    {
        char first = text[pos];
        // No operator starts with a letter or digit (most tokens are words and numbers).
        var op = char.IsAsciiLetterOrDigit(first) ? null : Operator(text, pos);
        // Candidates in scanner.l's rule order; a later rule wins only with a strictly longer match.
        int best = 0;
        var bestRule = Rule.None;
        void Consider(Rule rule, int length)
        {
            if (length > best)
                (best, bestRule) = (length, rule);
        }
        // Each rule is tried only where its first character allows it (cheap, and most tokens are words).
        if (first == '$')
            Consider(Rule.Aid, MatchLength(s_aid, text, pos));
        if (char.IsAsciiHexDigit(first))
        {
            Consider(Rule.Mac, MacLength(text, pos));
            if (char.IsAsciiDigit(first))
            {
                int number = NumberLength(text, pos);
                Consider(Rule.Number, number);
                // A dotted id starts with a number and a '.'.
                if (pos + number < text.Length && text[pos + number] == '.')
                    Consider(Rule.Hid, HidLength(text, pos));
            }
        }
        if ((char.IsAsciiHexDigit(first) || first == ':') && MayBeIpv6(text, pos))
        {
            Consider(Rule.Ipv6, Ipv6Shape.LongestMatch(text, pos));
            Consider(Rule.BogusEther, MatchLength(s_bogusEther, text, pos));
        }
        if (char.IsAsciiLetterOrDigit(first))
            Consider(Rule.Id, IdLength(text, pos));
        if (first == '\\')
            Consider(Rule.EscapedId, MatchLength(s_escapedId, text, pos));
        // The operator rules precede the others in scanner.l, so they win ties ("::" is longer than ":").
        if (op is not null && op.Length >= best)
        {
            var canonical = op switch { "&&" => "and", "||" => "or", "==" => "=", _ => op };
            var kind = op is "&&" or "||" ? TokenKind.Keyword : TokenKind.Punct;
            return (new Token(kind, canonical, 0, pos), op.Length);
        }
        if (bestRule == Rule.None)
            return (new Token(TokenKind.LexError, "", 0, pos), 1);

        // Keywords and named numbers are fixed strings listed before the ID rule, so they win ties.
        if (bestRule == Rule.Id)
        {
            var span = text.AsSpan(pos, best);
            if (span.SequenceEqual("not"))
                return (new Token(TokenKind.Punct, "!", 0, pos), best);
            if (Keywords.WordsBySpan.TryGetValue(span, out var keyword))
                return (new Token(TokenKind.Keyword, keyword.Canonical, keyword.Id, pos), best);
            if (Keywords.NamedNumbersBySpan.TryGetValue(span, out var name, out var value))
                return (new Token(TokenKind.Num, name, value, pos), best);
        }
        if (bestRule == Rule.Number && SmallDecimal(text.AsSpan(pos, best)) is { } small)
            return (new Token(TokenKind.Num, small.Text, small.Value, pos), best);
        var word = text.Substring(pos, best);
        var token = bestRule switch
        {
            Rule.Aid => new Token(TokenKind.Aid, word, 0, pos),
            Rule.Mac => new Token(TokenKind.Eid, word, 0, pos),
            Rule.Number => ToNumber(word, pos),
            Rule.Hid => new Token(TokenKind.Hid, word, 0, pos),
            Rule.Ipv6 => IsValidIpv6(word)
                ? new Token(TokenKind.Hid6, word, 0, pos)
                : new Token(TokenKind.LexError, $"bogus IPv6 address {word}", 0, pos),
            Rule.BogusEther => new Token(TokenKind.LexError, $"bogus ethernet address {word}", 0, pos),
            Rule.Id => new Token(TokenKind.Id, word, 0, pos),
            _ => new Token(TokenKind.Id, word[1..], 0, pos),
        };
        return (token, best);
    }

    /// <summary>
    /// Sets <see cref="Token.Number"/> to 1 on each '(' whose matching ')' is followed by a relational
    /// or arithmetic operator. Only such a group can begin a relation (<c>(ip[0] + 1) &gt; 2</c>),
    /// and only a group without one can be an expression or id list; the parser uses this to avoid
    /// trying both readings of every nested parenthesis, which would take time exponential in depth.
    /// </summary>
    private static void MarkArithmeticGroups(List<Token> tokens)
    {
        // The open parentheses' indexes: on the stack up to 32 deep (a Stack<int> was two objects
        // for every expression with a parenthesis), in a growing array beyond.
        Span<int> open = stackalloc int[32];
        int depth = 0;
        var all = CollectionsMarshal.AsSpan(tokens);
        for (int i = 0; i < all.Length; i++)
        {
            if (all[i] is { Kind: TokenKind.Punct, Text: "(" })
            {
                if (depth == open.Length)
                {
                    var larger = new int[2 * depth];
                    open.CopyTo(larger);
                    open = larger;
                }
                open[depth++] = i;
            }
            else if (all[i] is { Kind: TokenKind.Punct, Text: ")" } && depth > 0)
            {
                int start = open[--depth];
                if (i + 1 < all.Length && IsOperator(all[i + 1]))
                    all[start] = all[start] with { Number = 1 };
            }
        }
    }

    private static bool IsOperator(Token token) =>
        token.Kind == TokenKind.Punct && token.Text is not ("(" or ")" or "[" or "]" or ":" or "!");

    private static string? Operator(string text, int pos)
    {
        if (pos + 1 < text.Length)
            foreach (var op in s_operators)
                if (text[pos] == op[0] && text[pos + 1] == op[1])
                    return op;
        int single = SingleCharOperators.IndexOf(text[pos]);
        return single >= 0 ? s_singleCharOperators[single] : null;
    }

    /// <summary>The length of scanner.l's <c>N</c> at <paramref name="pos"/> (a digit there): <c>0x</c> hex digits, else decimal digits.</summary>
    private static int NumberLength(string text, int pos)
    {
        int end = pos;
        if (text[pos] == '0' && pos + 2 < text.Length && text[pos + 1] is 'x' or 'X' && char.IsAsciiHexDigit(text[pos + 2]))
        {
            end = pos + 2;
            while (end < text.Length && char.IsAsciiHexDigit(text[end]))
                end++;
            return end - pos;
        }
        while (end < text.Length && char.IsAsciiDigit(text[end]))
            end++;
        return end - pos;
    }

    /// <summary>
    /// The length of scanner.l's dotted id at <paramref name="pos"/> (a digit there), <c>{N}\.{N}(\.{N}(\.{N})?)?</c>,
    /// or 0: the match .NET's regex of the pattern (hex alternative of N first) gives, without a regex run
    /// per dotted number (LexerTests holds the two equal). Backtracking cannot change it: a shorter N is
    /// never followed by a '.', and everything after the second N is optional.
    /// </summary>
    internal static int HidLength(string text, int pos)
    {
        if (!char.IsAsciiDigit(text[pos]))
            return 0;
        int end = pos + NumberLength(text, pos);
        if (end == pos || end >= text.Length || text[end] != '.')
            return 0;
        for (int part = 1; part < 4; part++)
        {
            int n = end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]) ? NumberLength(text, end + 1) : 0;
            if (n == 0)
                return part == 1 ? 0 : end - pos;
            end += 1 + n;
            if (part == 3 || end >= text.Length || text[end] != '.')
                break;
        }
        return end - pos;
    }

    /// <summary>
    /// The length of scanner.l's ID at <paramref name="pos"/> (a letter or digit there):
    /// <c>[A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])?</c>, the longest run not ending in '-' or '_'.
    /// </summary>
    private static int IdLength(string text, int pos)
    {
        int end = pos + 1, last = pos + 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '.'))
        {
            end++;
            if (text[end - 1] is not ('-' or '_'))
                last = end;
        }
        return last - pos;
    }

    private enum Rule { None, Aid, Mac, Number, Hid, Ipv6, BogusEther, Id, EscapedId }

    // Every pattern starts with \G, so a match is one at pos. Enumerated rather than Match'ed: no Match
    // object per dotted number or MAC address.
    private static int MatchLength(Regex regex, string text, int pos)
    {
        foreach (var match in regex.EnumerateMatches(text, pos))
            return match.Length;
        return 0;
    }

    /// <summary>
    /// The length of the MAC pattern that matches at <paramref name="pos"/> (a hex digit there), or 0.
    /// Each pattern starts with its own shape (one or two hex digits and a ':', '-' or '.'; four and a
    /// '.'; twelve), so at most one can match: only that one is run, and only when its window holds
    /// the separators it needs (a dotted IPv4 address, with three dots, was run through all five).
    /// </summary>
    private static int MacLength(string text, int pos)
    {
        int end = pos;
        while (end < text.Length && end - pos < 12 && char.IsAsciiHexDigit(text[end]))
            end++;
        int digits = end - pos;
        if (digits == 12)
            return MatchLength(MacHex(), text, pos);
        if (end == text.Length)
            return 0;
        char separator = text[end];
        var (pattern, separators) = separator switch
        {
            ':' when digits <= 2 => (MacColons(), 5),
            '-' when digits <= 2 => (MacDashes(), 5),
            '.' when digits <= 2 => (MacDots(), 5),
            '.' when digits == 4 => (MacDottedQuads(), 2),
            _ => ((Regex?)null, 0),
        };
        // Six groups of at most two digits span at most 17 characters, three of four 14.
        return pattern is not null && text.AsSpan(pos, Math.Min(17, text.Length - pos)).Count(separator) >= separators
            ? MatchLength(pattern, text, pos)
            : 0;
    }

    private static bool MayBeIpv6(string text, int pos)
    {
        // Both the IPv6 and the bogus-Ethernet patterns need a ':' within their first five characters.
        for (int i = pos; i < text.Length && i < pos + 5; i++)
            if (text[i] == ':')
                return true;
        return false;
    }

    /// <summary>
    /// A decimal number below 1000 without leading zeros (a port, an offset, a protocol number) with
    /// its text shared from a table: the text is the token's as <see cref="ToNumber"/> would give it,
    /// and most expressions' numbers then allocate nothing. Null for any other number.
    /// </summary>
    private static (string Text, uint Value)? SmallDecimal(ReadOnlySpan<char> digits)
    {
        if (digits.Length > 3 || (digits.Length > 1 && digits[0] == '0'))
            return null;
        uint value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
                return null;
            value = value * 10 + (uint)(c - '0');
        }
        // Filled on first use; threads racing on a slot store equal strings.
        var table = s_smallNumbers;
        var text = table[value] ??= value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (text, value);
    }

    private static readonly string?[] s_smallNumbers = new string?[1000];

    /// <summary>libpcap's stou: decimal, 0x hex or 0 octal, with its overflow and digit errors.</summary>
    internal static Token ToNumber(string word, int pos)
    {
        ulong n = 0;
        if (word.Length > 1 && word[0] == '0' && word[1] is 'x' or 'X')
        {
            foreach (var c in word.AsSpan(2))
            {
                if (n > 0xFFFFFFFu)
                    return Overflow(word, pos);
                n = (n << 4) + (uint)(char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
            }
        }
        else if (word[0] == '0')
        {
            foreach (var c in word.AsSpan(1))
            {
                if (c > '7')
                    return new Token(TokenKind.LexError, $"number {word} contains non-octal digit", 0, pos);
                if (n > 0x1FFFFFFFu)
                    return Overflow(word, pos);
                n = (n << 3) + (uint)(c - '0');
            }
        }
        else
        {
            foreach (var c in word)
            {
                n = n * 10 + (uint)(c - '0');
                if (n > uint.MaxValue)
                    return Overflow(word, pos);
            }
        }
        return new Token(TokenKind.Num, word, (uint)n, pos);
    }

    private static Token Overflow(string word, int pos) =>
        new(TokenKind.LexError, $"number {word} overflows 32 bits", 0, pos);

    /// <summary>
    /// The scanner accepts the text only if getaddrinfo(AI_NUMERICHOST) does: the patterns already
    /// bound the groups, so what remains is glibc's inet_pton4 rule for an embedded IPv4 address
    /// (decimal parts up to 255 without leading zeros).
    /// </summary>
    private static bool IsValidIpv6(string word)
    {
        if (!word.Contains('.'))
            return true;
        var v4 = word[(word.LastIndexOf(':') + 1)..];
        foreach (var part in v4.Split('.'))
        {
            if (part.Length == 0 || part.Length > 3 || !part.All(char.IsAsciiDigit))
                return false;
            if (part.Length > 1 && part[0] == '0')
                return false;
            if (int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) > 255)
                return false;
        }
        return true;
    }

}
