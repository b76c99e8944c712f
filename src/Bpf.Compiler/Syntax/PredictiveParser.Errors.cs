namespace Bpf.Compiler.Syntax;

/// <summary>
/// The predictive parser's syntax errors: what the Pidgin grammar's alternatives examine a token for in
/// each state this parser knows, the predicates that say no alternative can go on, and the recording
/// of the error (<see cref="SyntaxErrorAt"/>). Apart from the grammar walk in PredictiveParser.cs so
/// that each file is one idea: there, which rule comes next; here, how a refusal is worded.
/// </summary>
internal partial struct PredictiveParser
{
    // The grammar's labels, in the order its alternatives examine a token in each state the fast
    // error path knows (Tok.Match records them; SyntaxErrors names the first eight). PredictiveParserTests
    // compares every error worded here with the grammar's own over the corpus and mutated expressions.
    // An id (nid, pnum, '(' pid ')'):
    private static readonly string[] IdLabels = ["name", "IPv4 address", "IPv6 address", "MAC address", "ARCnet address", "'!'", "number", "'('"];
    // After a direction: its optional aqual, then the id; after a lone 'src'/'dst', first its 'or'/'and' 'dst'/'src'.
    private static readonly string[] DirectionLabels = ["'host', 'net', 'port' or 'portrange'", .. IdLabels];
    private static readonly string[] SourceOrDestinationLabels = ["'or'", "'and'", .. DirectionLabels];
    // A term: 'not' term, then rterm's relation (arth: '-', NUM, len, pname '[', '('), then head (pname, dqual).
    private static readonly string[] TermLabels = ["'!'", "'-'", "number", "'len'", "protocol name", "'('", "'src'", "'dst'"];
    // The first token of the whole expression: the empty expression's end, then a term.
    private static readonly string[] ExpressionLabels = ["end of expression", .. TermLabels];
    // An arithmetic operand: signed's '-', then primary's NUM, len, pname '[', '('.
    private static readonly string[] OperandLabels = ["'-'", "number", "'len'", "protocol name", "'('"];
    // After a load's offset.
    private static readonly string[] IndexEndLabels = ["arithmetic operator", "':'", "']'"];

    // The same, as the message names them (joined once: joining per error was a fifth of its cost).
    private static readonly string IdExpected = SyntaxErrors.Join(IdLabels);
    private static readonly string DirectionExpected = SyntaxErrors.Join(DirectionLabels);
    private static readonly string SourceOrDestinationExpected = SyntaxErrors.Join(SourceOrDestinationLabels);
    private static readonly string TermExpected = SyntaxErrors.Join(TermLabels);
    private static readonly string ExpressionExpected = SyntaxErrors.Join(ExpressionLabels);
    private static readonly string OperandExpected = SyntaxErrors.Join(OperandLabels);
    private static readonly string IndexEndExpected = SyntaxErrors.Join(IndexEndLabels);

    /// <summary>
    /// What the grammar's parsers of a complete term examine the next token for, then the expression's
    /// own 'and'/'or' and its end (or the ')' of a parenthesized one), as the message names them.
    /// </summary>
    private sealed class TermTail(string[] labels)
    {
        public bool IsEmpty { get; } = labels.Length == 0;
        public string AtEnd { get; } = SyntaxErrors.Join([.. labels, "'and'", "'or'", "end of expression"]);
        public string InParentheses { get; } = SyntaxErrors.Join([.. labels, "'and'", "'or'", "')'"]);
    }

    // An id or a parenthesized expression: nothing of the term examines the next token.
    private static readonly TermTail Nothing = new([]);
    // After a lone protocol name: relation's '[', head's dqual/aqual/proto, then [pname] broadcast/multicast.
    private static readonly TermTail ProtocolTail = new(["'['", "'src'", "'dst'", "direction", "'host', 'net', 'port' or 'portrange'",
        "'proto', 'protochain' or 'gateway'", "'broadcast'", "'multicast'"]);
    // After the operand that ends a relation: the operator loop.
    private static readonly TermTail ArithmeticTail = new(["arithmetic operator"]);

    /// <summary>
    /// Records a syntax error at the next token, with what the grammar expected there, and gives up.
    /// Only for states where every alternative of the grammar stops at this token (it is rejected by
    /// every token parser that examines it) and <paramref name="expected"/> names the labels those parsers
    /// record, in the grammar's order: then the grammar's furthest token and message are these.
    /// </summary>
    private FilterExpression? SyntaxErrorAt(string expected)
    {
        if (_quiet == 0)
            _syntaxError ??= SyntaxErrors.Unexpected(Peek, expected);
        return GiveUp();
    }

    /// <summary>The token after a complete term is neither 'and'/'or' nor the end (or the ')') its context wants.</summary>
    private FilterExpression? AfterTerm(bool inParentheses)
    {
        var t = Peek;
        // After a protocol name or an operand, keywords and '[' continue other alternatives: left to the grammar.
        if (_tail is null || (!_tail.IsEmpty && (t.Kind == TokenKind.Keyword || IsPunct(t, "["))))
            return GiveUp();
        return SyntaxErrorAt(inParentheses ? _tail.InParentheses : _tail.AtEnd);
    }

    // Tokens no alternative of the grammar accepts where a term starts; an id is no term either, but
    // after 'and'/'or' the grammar reads one as a bare id (a shorthand for the last qualifiers).
    private bool CannotStartTerm(Token t) => t.Kind switch
    {
        TokenKind.End or TokenKind.LexError => true,
        TokenKind.Id or TokenKind.Hid or TokenKind.Hid6 or TokenKind.Eid or TokenKind.Aid => _bareIds == 0,
        TokenKind.Keyword => t.Text is "and" or "or",
        TokenKind.Punct => t.Text is not ("!" or "-" or "("),
        _ => false,
    };

    // Tokens an id may start with.
    private static bool MayStartId(Token t) => t.Kind switch
    {
        TokenKind.Id or TokenKind.Hid or TokenKind.Hid6 or TokenKind.Eid or TokenKind.Aid or TokenKind.Num => true,
        TokenKind.Punct => t.Text is "!" or "(",
        _ => false,
    };

    // Tokens an arithmetic operand may start with ('-' included); a protocol name is one only with its
    // '[', which the load alternative examines after it.
    private static bool MayStartOperand(Token t) => t.Kind switch
    {
        TokenKind.Num => true,
        TokenKind.Keyword => t.Text == "len" || KeywordRoles.Of(t).Proto is not null,
        TokenKind.Punct => t.Text is "-" or "(",
        _ => false,
    };

    /// <summary>
    /// What the grammar examines the token after <paramref name="head"/> for, when it is no id: after
    /// 'host', 'port', 'proto', ... only the id; after a direction the optional aqual first, and after a
    /// lone 'src'/'dst' the 'or dst'/'and dst' it may start. Null where the grammar may read further
    /// ('src and ...', 'src or ...').
    /// </summary>
    private string? HeadEndExpected(Qualifiers head)
    {
        if (head.Addr != AddrQualifier.Default)
            return IdExpected;
        if (head.Dir is DirQualifier.Src or DirQualifier.Dst)
            return IsAndOr(Peek) ? null : SourceOrDestinationExpected;
        return DirectionExpected;
    }
}
