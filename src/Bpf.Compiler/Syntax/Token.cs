using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// Token kinds of libpcap's scanner.l. Keywords that flex maps to one token share a canonical text
/// (<c>and</c>/<c>&amp;&amp;</c> are <c>and</c>, <c>ether</c>/<c>fddi</c>/<c>wlan</c> are <c>link</c>).
/// </summary>
internal enum TokenKind
{
    /// <summary>End of input.</summary>
    End,
    /// <summary>A character or number the scanner rejects; <see cref="Token.Text"/> holds the message, if any.</summary>
    LexError,
    /// <summary>A name: <c>foo</c>, <c>ftp-data</c>, <c>1-1024</c>, <c>\any</c>.</summary>
    Id,
    /// <summary>A number (decimal, <c>0x</c> hex, <c>0</c> octal) or a named constant (<c>tcpflags</c>).</summary>
    Num,
    /// <summary>A dotted IPv4 id of 2-4 parts: <c>10.1</c>, <c>1.2.3.4</c>.</summary>
    Hid,
    /// <summary>An IPv6 address: <c>::1</c>, <c>fe80::1</c>.</summary>
    Hid6,
    /// <summary>A MAC address: <c>0:1:2:3:4:5</c>, <c>00-11-22-33-44-55</c>, <c>0011.2233.4455</c>, <c>001122334455</c>.</summary>
    Eid,
    /// <summary>An ARCnet address: <c>$1f</c>.</summary>
    Aid,
    /// <summary>A keyword: see <see cref="Token.Keyword"/>.</summary>
    Keyword,
    /// <summary>An operator or punctuation: see <see cref="Token.Text"/> (<c>&gt;=</c>, <c>[</c>, <c>==</c> is <c>=</c>).</summary>
    Punct,
}

/// <summary>A scanned token.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The id text (without a leading <c>\</c>), the keyword's canonical spelling, the punctuation, or a scanner error message.</param>
/// <param name="Number">The value of a <see cref="TokenKind.Num"/>; a keyword's number in <see cref="Keywords.Canonical"/>; 1 on a '(' that opens an arithmetic group.</param>
/// <param name="Position">Offset of the token in the expression.</param>
internal readonly record struct Token(TokenKind Kind, string Text, uint Number, int Position)
{
    /// <summary>The keyword for <see cref="TokenKind.Keyword"/> tokens (the scanner's token name, lower case).</summary>
    public string Keyword => Kind == TokenKind.Keyword ? Text : "";

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        TokenKind.End => "end of expression",
        TokenKind.Num => $"number {Number}",
        _ => $"'{Text}'",
    };
}

/// <summary>The furthest token offset any parser examined during one parse (one instance per parse).</summary>
/// <remarks>
/// The parse in progress on a thread is <see cref="Current"/> rather than a field of every token: a
/// token is then 24 bytes, not 32, and the predictive parser, which parses most expressions and never
/// reports progress, does not allocate one.
/// </remarks>
internal sealed class ParseProgress
{
    [ThreadStatic]
    private static ParseProgress? t_current;

    /// <summary>The combinator parse running on this thread, told when a parser examines a token; null outside one.</summary>
    public static ParseProgress? Current
    {
        get => t_current;
        set => t_current = value;
    }

    /// <summary>Offset of the furthest token examined, or -1.</summary>
    public int Furthest { get; private set; } = -1;

    // Made on the first rejection: most parses (the predictive parser's) never examine through here.
    private List<string>? _expected;

    /// <summary>What the parsers that examined the furthest token and rejected it were looking for.</summary>
    public IReadOnlyList<string> Expected => _expected ?? [];

    /// <summary>Records that the token at <paramref name="position"/> was examined, and what was wanted if it was rejected.</summary>
    public void Examined(int position, string? rejectedFor)
    {
        if (position > Furthest)
        {
            Furthest = position;
            _expected?.Clear();
        }
        if (position == Furthest && rejectedFor is not null && !(_expected ??= []).Contains(rejectedFor))
            _expected.Add(rejectedFor);
    }
}
