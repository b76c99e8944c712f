using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// A hand-written predictive parser for the common part of the grammar (and/or/not, parentheses,
/// qualified ids, protocol abbreviations, relations, <c>broadcast</c>/<c>multicast</c>, the
/// number-taking primitives, and the keyword-led ones of PredictiveParser.Primitives.cs), run before the Pidgin grammar of <see cref="FilterParser"/>. It decides
/// each alternative from the next one or two tokens instead of trying the alternatives in turn, and
/// gives up (returns null) on anything else: the combinator grammar then parses the expression and stays
/// the one authority on the language and on error messages. Where it returns a tree, the tree is the one
/// the combinator grammar returns for the same tokens (the two are compared over the corpus and over
/// random expressions in PredictiveParserTests). A syntax error it words itself only where the grammar
/// would give the very same message, and leaves the others to the grammar (PredictiveParser.Errors.cs).
/// Why: the combinators' failed alternatives (every term is first tried as a relation, ids as
/// relations and terms) cost more than libpcap's whole pcap_compile for a typical expression.
/// </summary>
/// <remarks>
/// A struct, the one parse's local that its methods update in place: as a class it was an object
/// per compile for state that lives only as long as <see cref="TryParse(List{Token}, out FilterCompileException?)"/>.
/// </remarks>
internal partial struct PredictiveParser
{
    // Deeper nesting goes to the combinator grammar, which has the stack guard.
    private const int MaxDepth = 100;

    private static readonly Qualifiers Unbound = Qualifiers.Undefined;

    private readonly List<Token> _tokens;
    private int _next;
    private int _depth;
    // Set when the parser meets what it does not handle: every caller then gives up, nothing backtracks.
    private bool _unsupported;
    // A syntax error worded as the grammar words it (set with _unsupported), or null.
    private FilterCompileException? _syntaxError;
    // What the grammar's parsers of the last complete term examine the next token for, before the
    // expression's own 'and'/'or': empty when nothing (an id, a parenthesized expression), null when
    // not known here (that term's errors are left to the grammar).
    private TermTail? _tail;
    // > 0 inside a term the grammar may also read as a bare id (after 'and'/'or', through '(' and 'not').
    private int _bareIds;
    // > 0 inside a relation that starts with '(': the grammar's parenthesized-expression alternative
    // reads the same tokens differently and may get further, so its errors are left to the grammar.
    private int _quiet;

    private PredictiveParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>The unbound tree (before <see cref="QualifierBinder"/>) of the tokens, or null to leave them to the combinators.</summary>
    public static FilterExpression? TryParse(List<Token> tokens) => TryParse(tokens, out _);

    /// <summary>
    /// As <see cref="TryParse(List{Token})"/>; when the tokens are not an expression and the error is one
    /// this parser words exactly as the combinator grammar would, <paramref name="syntaxError"/> is that
    /// error (not thrown) and the result null. A null result with no error: ask the combinators.
    /// </summary>
    public static FilterExpression? TryParse(List<Token> tokens, out FilterCompileException? syntaxError)
    {
        var parser = new PredictiveParser(tokens);
        syntaxError = null;
        if (parser.Peek.Kind == TokenKind.End)
            return new EmptyExpression(parser.Peek.Position);
        var tree = parser.Expression();
        if (tree is not null && !parser._unsupported && parser.Peek.Kind != TokenKind.End)
            parser.AfterTerm(inParentheses: false);
        syntaxError = parser._syntaxError;
        return tree is not null && !parser._unsupported && parser.Peek.Kind == TokenKind.End ? tree : null;
    }

    private Token Peek => _tokens[_next];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_next + ahead, _tokens.Count - 1)];

    private Token Advance() => _tokens[_next++];

    private FilterExpression? GiveUp()
    {
        _unsupported = true;
        return null;
    }

    private static bool IsKeyword(Token t, string name) => t.Kind == TokenKind.Keyword && t.Text == name;

    private static bool IsPunct(Token t, string text) => t.Kind == TokenKind.Punct && t.Text == text;

    private static bool IsAndOr(Token t) => t.Kind == TokenKind.Keyword && t.Text is "and" or "or";

    /// <summary><c>expr</c>: terms joined left to right by and/or; after an operator, a term if one parses, else a bare id.</summary>
    private FilterExpression? Expression()
    {
        if (++_depth > MaxDepth)
            return GiveUp();
        var left = Term();
        if (left is null)
            return null;
        while (IsAndOr(Peek))
        {
            var op = Advance();
            int start = _next, depth = _depth;
            var right = Term(bareIdFollows: true);
            if (_unsupported)
                return null;
            if (right is null)
            {
                // The grammar tries the term and, when it fails, reads a bare id from the same token.
                (_next, _depth) = (start, depth);
                var id = Id();
                if (id is null)
                    return GiveUp();
                // A bare number was first read by the relation alternative, which examines the next token.
                _tail = id is NameId ? Nothing : null;
                right = new BareId(id, id.Position);
            }
            left = op.Text == "and" ? new AndExpression(left, right, op.Position) : new OrExpression(left, right, op.Position);
        }
        _depth--;
        return left;
    }

    /// <summary><c>term</c>: <c>not term</c> or an rterm; null when no term starts here (the caller may try an id).</summary>
    private FilterExpression? Term(bool bareIdFollows = false)
    {
        if (!bareIdFollows)
            return TermBody();
        _bareIds++;
        var term = TermBody();
        _bareIds--;
        return term;
    }

    private FilterExpression? TermBody()
    {
        if (CannotStartTerm(Peek))
            return SyntaxErrorAt(_next == 0 ? ExpressionExpected : TermExpected);
        if (IsPunct(Peek, "!"))
        {
            var not = Advance();
            if (++_depth > MaxDepth)
                return GiveUp();
            var operand = Term();
            _depth--;
            return operand is null ? null : new NotExpression(operand, not.Position);
        }
        return RTerm();
    }

    private FilterExpression? RTerm()
    {
        var t = Peek;
        int start = _next, depth = _depth;
        _tail = null;
        // 1. arth relop arth, for the tokens an arithmetic expression can start with.
        if (MayStartArithmetic(t))
        {
            bool quiet = IsPunct(t, "(");
            _quiet += quiet ? 1 : 0;
            var relation = Relation();
            _quiet -= quiet ? 1 : 0;
            if (relation is not null || _unsupported)
                return relation;
            (_next, _depth) = (start, depth);
            // No other alternative starts with a number, '-' or len; the rest are left to the combinators.
            return t.Kind == TokenKind.Num || IsPunct(t, "-") || IsKeyword(t, "len") ? null : GiveUp();
        }
        switch (t.Kind)
        {
            case TokenKind.Keyword:
                return KeywordTerm(t);
            case TokenKind.Punct when t.Text == "(":
            {
                // An unmarked '(' (see Lexer.MarkArithmeticGroups) opens an expression here.
                Advance();
                var inner = Expression();
                if (inner is null)
                    return null;
                if (!IsPunct(Peek, ")"))
                    return _unsupported ? null : AfterTerm(inParentheses: true);
                Advance();
                // The relation alternative stops at an unmarked '(': nothing else examines the next token.
                _tail = Nothing;
                return new ParenTerm(inner, t.Position);
            }
            case TokenKind.Id or TokenKind.Hid or TokenKind.Hid6 or TokenKind.Eid or TokenKind.Aid:
                // Every rterm starts with a keyword, '(' or an arithmetic token: an id is not a term.
                return null;
            default:
                return GiveUp();
        }
    }

    private FilterExpression? KeywordTerm(Token t)
    {
        var protoRole = KeywordRoles.Of(t).Proto;
        bool isProto = protoRole is not null;
        var proto = protoRole.GetValueOrDefault();
        var next = PeekAt(1);
        // 2. head id: [pname] (dqual [aqual] | aqual | proto | protochain | gateway) id.
        if (IsHeadStart(t) || (isProto && IsHeadStart(next)))
        {
            var head = Head();
            if (!MayStartId(Peek) && HeadEndExpected(head) is { } expected)
                return SyntaxErrorAt(expected);
            var id = Id();
            if (id is null)
                return GiveUp();
            // An id token or a plain number ends the term's parsers; a host's optional /len or mask, an
            // IPv6 length, a parenthesized id and 'not id' are not followed here.
            var idToken = _tokens[_next - 1];
            _tail = (id is NameId && idToken.Kind == TokenKind.Id) || (id is NumberId && idToken.Kind == TokenKind.Num) ? Nothing : null;
            return new HeadTerm(head, id, t.Position);
        }
        // 3. [pname] broadcast | multicast (802.11 type/subtype/dir are left to the combinators).
        var word = isProto ? next : t;
        if (IsKeyword(word, "broadcast") || IsKeyword(word, "multicast"))
        {
            var q = isProto ? proto : ProtoQualifier.Default;
            if (isProto)
                Advance();
            Advance();
            return word.Text == "broadcast" ? new BroadcastExpression(q, word.Position) : new MulticastExpression(q, word.Position);
        }
        if (isProto && next.Kind == TokenKind.Keyword && next.Text is "type" or "subtype" or "dir")
            return GiveUp();
        // 5. pname.
        if (isProto)
        {
            Advance();
            _tail = ProtocolTail;
            return new ProtoAbbreviation(proto, t.Position);
        }
        // 6. the keyword-led primitives taking a number or nothing; the others are left to the combinators.
        switch (t.Text)
        {
            case "less":
            case "greater":
            case "ifindex":
            {
                Advance();
                if (Peek.Kind != TokenKind.Num)
                    return GiveUp();
                var n = Advance().Number;
                return t.Text switch
                {
                    "less" => new LessExpression(n, t.Position),
                    "greater" => new GreaterExpression(n, t.Position),
                    _ => new IfIndexExpression(n, t.Position),
                };
            }
            case "inbound":
            case "outbound":
                Advance();
                return new InboundExpression(t.Text == "outbound", t.Position);
            case "pppoed":
                Advance();
                return new PppoedExpression(t.Position);
            case "vlan":
            case "mpls":
            case "pppoes":
            case "geneve":
            case "vxlan":
            {
                Advance();
                uint? n = null;
                if (Peek.Kind == TokenKind.Num || IsPunct(Peek, "("))
                {
                    if (PNum() is not { } number)
                        return GiveUp();
                    n = number.Number;
                }
                return t.Text switch
                {
                    "vlan" => new VlanExpression(n, t.Position),
                    "mpls" => new MplsExpression(n, t.Position),
                    "pppoes" => new PppoesExpression(n, t.Position),
                    "geneve" => new GeneveExpression(n, t.Position),
                    _ => new VxlanExpression(n, t.Position),
                };
            }
            default:
                return NamedPrimitive(t);
        }
    }

    private static bool IsHeadStart(Token t) => KeywordRoles.Of(t).StartsHead;

    /// <summary><c>head</c>, once <see cref="IsHeadStart"/> has said one starts here (after an optional protocol).</summary>
    private Qualifiers Head()
    {
        var proto = ProtoQualifier.Default;
        if (KeywordRoles.Of(Peek).Proto is { } p)
        {
            proto = p;
            Advance();
        }
        var t = Advance();
        ref readonly var roles = ref KeywordRoles.Of(t);
        if (roles.ProtocolQualifier is { } alone)
            return new Qualifiers(proto, default, alone);
        if (roles.AddressType is { } addr)
            return new Qualifiers(proto, default, addr);
        DirQualifier dir;
        if (t.Text is "src" or "dst")
        {
            // src or dst / src and dst (dst or src / dst and src); otherwise the 'or'/'and' is the expression's.
            var other = t.Text == "src" ? "dst" : "src";
            if (IsKeyword(Peek, "or") && IsKeyword(PeekAt(1), other))
            {
                dir = DirQualifier.Or;
                _next += 2;
            }
            else if (IsKeyword(Peek, "and") && IsKeyword(PeekAt(1), other))
            {
                dir = DirQualifier.And;
                _next += 2;
            }
            else
            {
                dir = t.Text == "src" ? DirQualifier.Src : DirQualifier.Dst;
            }
        }
        else
        {
            dir = roles.Direction ?? throw new System.Diagnostics.UnreachableException($"'{t.Text}' starts no head");
        }
        var a = AddrQualifier.Default;
        if (KeywordRoles.Of(Peek).AddressType is { } after)
        {
            a = after;
            Advance();
        }
        return new Qualifiers(proto, dir, a);
    }

    /// <summary><c>id</c>: an nid, a (parenthesized) number, or a parenthesized list of ids joined by and/or.</summary>
    private FilterExpression? Id()
    {
        if (++_depth > MaxDepth)
            return GiveUp();
        var t = Peek;
        FilterExpression? id;
        if (t.Kind == TokenKind.Num)
        {
            Advance();
            id = new NumberId(Unbound, t.Number, t.Position);
        }
        else if (IsPunct(t, "("))
        {
            // pnum in parentheses first, as the grammar tries it first; then ( pid ).
            int start = _next;
            if (PNum() is { } number)
            {
                id = new NumberId(Unbound, number.Number, number.Position);
            }
            else
            {
                _next = start;
                id = ParenthesizedIds();
            }
        }
        else
        {
            id = NId();
        }
        _depth--;
        return id;
    }

    /// <summary><c>'(' pid ')'</c>.</summary>
    private FilterExpression? ParenthesizedIds()
    {
        Advance();
        FilterExpression? left;
        if (Peek.Kind == TokenKind.Num || IsPunct(Peek, "("))
        {
            if (PNum() is not { } number)
                return GiveUp();
            left = new NumberId(Unbound, number.Number, number.Position);
        }
        else
        {
            left = NId();
        }
        if (left is null)
            return GiveUp();
        while (IsAndOr(Peek))
        {
            var op = Advance();
            var right = Id();
            if (right is null)
                return GiveUp();
            left = op.Text == "and" ? new AndExpression(left, right, op.Position) : new OrExpression(left, right, op.Position);
        }
        if (!IsPunct(Peek, ")"))
            return GiveUp();
        Advance();
        return left;
    }

    /// <summary><c>nid</c>.</summary>
    private FilterExpression? NId()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Id:
                Advance();
                return new NameId(Unbound, t.Text, t.Position);
            case TokenKind.Hid:
                Advance();
                if (IsPunct(Peek, "/"))
                {
                    Advance();
                    if (Peek.Kind != TokenKind.Num)
                        return GiveUp();
                    return new MaskedHostId(Unbound, t.Text, null, Advance().Number, t.Position);
                }
                if (IsKeyword(Peek, "mask"))
                {
                    Advance();
                    if (Peek.Kind != TokenKind.Hid)
                        return GiveUp();
                    return new MaskedHostId(Unbound, t.Text, Advance().Text, 0, t.Position);
                }
                return new HostId(Unbound, t.Text, t.Position);
            case TokenKind.Hid6:
                Advance();
                if (IsPunct(Peek, "/"))
                {
                    Advance();
                    if (Peek.Kind != TokenKind.Num)
                        return GiveUp();
                    return new Ipv6Id(Unbound, t.Text, Advance().Number, t.Position);
                }
                return new Ipv6Id(Unbound, t.Text, 128, t.Position);
            case TokenKind.Eid:
                Advance();
                return new MacId(Unbound, t.Text, t.Position);
            case TokenKind.Aid:
                Advance();
                return new ArcnetId(Unbound, t.Text, t.Position);
            case TokenKind.Punct when t.Text == "!":
            {
                Advance();
                var operand = Id();
                return operand is null ? GiveUp() : new NotExpression(operand, t.Position);
            }
            default:
                return GiveUp();
        }
    }

    /// <summary><c>pnum: NUM | '(' pnum ')'</c>: the number token, or null (position unspecified) when there is none.</summary>
    private Token? PNum()
    {
        int open = 0;
        while (IsPunct(Peek, "("))
        {
            Advance();
            open++;
        }
        if (Peek.Kind != TokenKind.Num)
            return null;
        var number = Advance();
        for (; open > 0; open--)
        {
            if (!IsPunct(Peek, ")"))
                return null;
            Advance();
        }
        return number;
    }

    // The tokens an arithmetic operand can start with (ArithSyntax's Primary and unary minus). A '('
    // counts only when the lexer marked its group as followed by an operator, as in the grammar.
    private bool MayStartArithmetic(Token t) => t.Kind switch
    {
        TokenKind.Num => true,
        TokenKind.Keyword => t.Text == "len" || (KeywordRoles.Of(t).Proto is not null && IsPunct(PeekAt(1), "[")),
        TokenKind.Punct => t.Text == "-" || (t.Text == "(" && t.Number != 0),
        _ => false,
    };

    /// <summary><c>arth relop arth</c>, or null (nothing consumed that matters: the caller rewinds).</summary>
    private FilterExpression? Relation()
    {
        var left = Arithmetic();
        if (left is null)
            return null;
        var op = Peek;
        if (op.Kind != TokenKind.Punct || Tok.RelationOf(op.Text) is not { } relop)
            return null;
        Advance();
        var right = Arithmetic();
        if (right is null)
            return null;
        // After the right operand only the operator loop examines the next token.
        _tail = ArithmeticTail;
        return new Relation(relop.Test, relop.Reversed, left, right, op.Position);
    }

    /// <summary><c>arth</c>, folded by <see cref="ArithSyntax.Fold"/> exactly as the combinators fold it.</summary>
    private ArithExpression? Arithmetic()
    {
        if (++_depth > MaxDepth)
        {
            GiveUp();
            return null;
        }
        var first = Signed();
        if (first is not { } firstSigned)
            return null;
        // The first operator and operand are kept aside: the list is made only for a second operator.
        ((ArithOperator Operator, int Position) Op, (IEnumerable<Token> Minus, ArithExpression Operand) Signed) second = default;
        var operators = 0;
        List<((ArithOperator Operator, int Position) Op, (IEnumerable<Token> Minus, ArithExpression Operand) Signed)>? rest = null;
        while (Peek.Kind == TokenKind.Punct && BinaryOperator(Peek.Text) is { } binary)
        {
            var op = Advance();
            if (Signed() is not { } signed)
                return null;
            if (operators++ == 0)
                second = ((binary, op.Position), signed);
            else
                (rest ??= [second]).Add(((binary, op.Position), signed));
        }
        _depth--;
        // A lone operand (the usual ip[0] or 2), or two around one operator without signs (tcp[13] & 2):
        // the fold would give the operand or the one BinaryArith, after allocating its stacks and list.
        if (firstSigned.Minus is ICollection<Token> { Count: 0 })
        {
            if (operators == 0)
                return firstSigned.Operand;
            if (operators == 1 && second.Signed.Minus is ICollection<Token> { Count: 0 })
                return new BinaryArith(second.Op.Operator, firstSigned.Operand, second.Signed.Operand!, second.Op.Position);
        }
        return ArithSyntax.Fold(firstSigned, rest ?? (operators == 1 ? [second] : []));
    }

    private (IEnumerable<Token> Minus, ArithExpression Operand)? Signed()
    {
        List<Token>? minus = null;
        while (IsPunct(Peek, "-"))
            (minus ??= []).Add(Advance());
        var operand = Primary();
        return operand is null ? null : (minus ?? (IEnumerable<Token>)[], operand);
    }

    private ArithExpression? Primary()
    {
        var t = Peek;
        if (!MayStartOperand(t))
        {
            SyntaxErrorAt(OperandExpected);
            return null;
        }
        if (t.Kind == TokenKind.Num)
        {
            Advance();
            return new ConstantArith(t.Number, t.Position);
        }
        if (IsKeyword(t, "len"))
        {
            Advance();
            return new LengthArith(t.Position);
        }
        if (KeywordRoles.Of(t).Proto is { } proto)
        {
            // proto '[' arth [':' NUM] ']'
            Advance();
            if (!IsPunct(Peek, "["))
                return null;
            Advance();
            var index = Arithmetic();
            if (index is null)
                return null;
            if (!IsPunct(Peek, ":") && !IsPunct(Peek, "]"))
            {
                SyntaxErrorAt(IndexEndExpected);
                return null;
            }
            uint size = 1;
            if (IsPunct(Peek, ":"))
            {
                Advance();
                if (Peek.Kind != TokenKind.Num)
                    return null;
                size = Advance().Number;
            }
            if (!IsPunct(Peek, "]"))
                return null;
            Advance();
            return new LoadArith(proto, index, size, t.Position);
        }
        if (IsPunct(t, "("))
        {
            Advance();
            var inner = Arithmetic();
            if (inner is null || !IsPunct(Peek, ")"))
                return null;
            Advance();
            return inner;
        }
        return null;
    }

    private static ArithOperator? BinaryOperator(string text) => ArithSyntax.OperatorOf(text);
}
