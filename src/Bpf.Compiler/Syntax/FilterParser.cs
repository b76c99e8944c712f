using Bpf.Vm;
using Pidgin;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// Parses pcap-filter expressions (libpcap 1.10's grammar.y.in and scanner.l) into the immutable
/// syntax tree of <see cref="FilterExpression"/> nodes. Names are not resolved and qualifier
/// combinations are not checked: that is code generation's job, as in libpcap.
/// </summary>
internal static class FilterParser
{
    private static readonly Parser<Token, FilterExpression> Id = Parser.Rec<Token, FilterExpression>(() => StackGuard.Parser.Then(IdBody!));
    private static readonly Parser<Token, FilterExpression> Term = Parser.Rec<Token, FilterExpression>(() => StackGuard.Parser.Then(TermBody!));
    private static readonly Parser<Token, FilterExpression> Expr = Parser.Rec<Token, FilterExpression>(() => StackGuard.Parser.Then(ExprBody!));

    // Ids are built with placeholder qualifiers; QualifierBinder fills in the inherited ones.
    private static readonly Qualifiers Unbound = Qualifiers.Undefined;

    private static readonly Parser<Token, FilterExpression> PNumId =
        Tok.PNum.Select(t => (FilterExpression)new NumberId(Unbound, t.Number, t.Position));

    /// <summary><c>nid</c>: one id token (with its <c>/len</c> or <c>mask</c>), or <c>not id</c>.</summary>
    private static readonly Parser<Token, FilterExpression> NId = Parser.OneOf(
        Tok.Id.Select(t => (FilterExpression)new NameId(Unbound, t.Text, t.Position)),
        Parser.Map((host, suffix) => suffix.HasValue ? suffix.Value(host) : new HostId(Unbound, host.Text, host.Position),
            Tok.Of(TokenKind.Hid, "IPv4 address"),
            Parser.OneOf(
                Tok.Punct("/").Then(Tok.Num).Select<Func<Token, FilterExpression>>(len =>
                    host => new MaskedHostId(Unbound, host.Text, null, len.Number, host.Position)),
                Tok.Keyword("mask").Then(Tok.Of(TokenKind.Hid, "IPv4 netmask")).Select<Func<Token, FilterExpression>>(mask =>
                    host => new MaskedHostId(Unbound, host.Text, mask.Text, 0, host.Position))).Optional()),
        Parser.Map((host, len) => (FilterExpression)new Ipv6Id(Unbound, host.Text, len.HasValue ? len.Value.Number : 128, host.Position),
            Tok.Of(TokenKind.Hid6, "IPv6 address"), Tok.Punct("/").Then(Tok.Num).Optional()),
        Tok.Of(TokenKind.Eid, "MAC address").Select(t => (FilterExpression)new MacId(Unbound, t.Text, t.Position)),
        Tok.Of(TokenKind.Aid, "ARCnet address").Select(t => (FilterExpression)new ArcnetId(Unbound, t.Text, t.Position)),
        Parser.Map((not, id) => (FilterExpression)new NotExpression(id, not.Position), Tok.Not, Id))
        .Labelled("host, network, port or other id");

    /// <summary><c>pid</c>: inside parentheses, ids joined by and/or (<c>host (a or b and c)</c>).</summary>
    private static readonly Parser<Token, FilterExpression> PId =
        Parser.Map((first, rest) => rest.Aggregate(first, Join),
            NId.Or(PNumId),
            Parser.Map((op, id) => (op, id), Tok.AndOr, Id).Many());

    private static readonly Parser<Token, FilterExpression> IdBody = Parser.OneOf(
        NId,
        Parser.Try(PNumId),
        PId.Between(Tok.LParen, Tok.RParen));

    private static readonly Parser<Token, DirQualifier> DQual = Parser.OneOf(
        Tok.Keyword("src").Then(Parser.OneOf(
            Parser.Try(Tok.Or.Then(Tok.Keyword("dst"))).WithResult(DirQualifier.Or),
            Parser.Try(Tok.And.Then(Tok.Keyword("dst"))).WithResult(DirQualifier.And),
            Parser<Token>.Return(DirQualifier.Src))),
        Tok.Keyword("dst").Then(Parser.OneOf(
            Parser.Try(Tok.Or.Then(Tok.Keyword("src"))).WithResult(DirQualifier.Or),
            Parser.Try(Tok.And.Then(Tok.Keyword("src"))).WithResult(DirQualifier.And),
            Parser<Token>.Return(DirQualifier.Dst))),
        Tok.KeywordTable("direction", GrammarTables.Directions).Select(d => d.Value));

    private static readonly Parser<Token, AddrQualifier> AQual =
        Tok.KeywordTable("'host', 'net', 'port' or 'portrange'", GrammarTables.AddressTypes).Select(a => a.Value);

    /// <summary><c>head</c>: the qualifiers before an id.</summary>
    private static readonly Parser<Token, Qualifiers> Head =
        Parser.Map((proto, rest) => rest with { Proto = proto.HasValue ? proto.Value.Value : ProtoQualifier.Default },
            Tok.PName.Optional(),
            Parser.OneOf(
                Parser.Map((dir, addr) => new Qualifiers(default, dir, addr.GetValueOrDefault()), DQual, AQual.Optional()),
                AQual.Select(addr => new Qualifiers(default, default, addr)),
                Tok.KeywordTable("'proto', 'protochain' or 'gateway'", GrammarTables.ProtocolQualifiers)
                    .Select(a => new Qualifiers(default, default, a.Value))))
        .Labelled("qualifiers");

    private static readonly Parser<Token, FilterExpression> RTerm = Parser.OneOf(
        Parser.Try(Parser.Lookahead(Tok.Match(t => t is not { Kind: TokenKind.Punct, Text: "(", Number: 0 }, "relation")).Then(ArithSyntax.Relation)),
        Parser.Try(Parser.Map((position, head, id) => (FilterExpression)new HeadTerm(head, id, position),
            Parser.Lookahead(Parser<Token>.Any).Select(t => t.Position), Head, Id)),
        Parser.Try(PrimitiveSyntax.QualifiedOther),
        Parser.Map((open, expr) => (FilterExpression)new ParenTerm(expr, open.Position), Tok.LParen, Expr.Before(Tok.RParen)),
        Tok.PName.Select(p => (FilterExpression)new ProtoAbbreviation(p.Value, p.Position)),
        PrimitiveSyntax.Other)
        .Labelled("primitive");

    private static readonly Parser<Token, FilterExpression> TermBody = Parser.OneOf(
        Parser.Map((not, term) => (FilterExpression)new NotExpression(term, not.Position), Tok.Not, Term),
        RTerm);

    /// <summary><c>expr</c>: terms joined left to right by and/or (same precedence); a bare id after the operator inherits qualifiers.</summary>
    private static readonly Parser<Token, FilterExpression> ExprBody =
        Parser.Map((first, rest) => rest.Aggregate(first, Join),
            Term,
            Parser.Map((op, element) => (op, element), Tok.AndOr,
                Parser.Try(Term).Or(Id.Select(id => (FilterExpression)new BareId(id, id.Position)))).Many());

    private static readonly Parser<Token, FilterExpression> Program = Parser.OneOf(
        Tok.End.Select(t => (FilterExpression)new EmptyExpression(t.Position)),
        Expr.Before(Tok.End));

    private static FilterExpression Join(FilterExpression left, (Token Op, FilterExpression Right) next) =>
        next.Op.Text == "and"
            ? new AndExpression(left, next.Right, next.Op.Position)
            : new OrExpression(left, next.Right, next.Op.Position);

    /// <summary>Parses a filter expression; an empty or blank one gives <see cref="EmptyExpression"/>.</summary>
    /// <param name="text">The expression, as given to pcap_compile.</param>
    /// <returns>The syntax tree, with every id's qualifiers resolved as libpcap's grammar resolves them.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FilterCompileException">
    /// The text is not an expression (<see cref="FilterErrorKind.Syntax"/>), a number overflows 32 bits
    /// (<see cref="FilterErrorKind.ValueOutOfRange"/>), or a check of the grammar itself fails
    /// (<c>port 1.2.3.4</c>, <c>type foo</c>, <c>llc foo</c>), with the offset of the offending token.
    /// </exception>
    public static FilterExpression Parse(string text) => TryParse(text, out var error) ?? throw error!;

    /// <summary>
    /// As <see cref="Parse"/>, but a syntax error the predictive parser words itself is returned in
    /// <paramref name="error"/> (with a null tree) instead of thrown; other errors are still thrown.
    /// </summary>
    public static FilterExpression? TryParse(string text, out FilterCompileException? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = Lexer.TokenizeRented(text);
        try
        {
            (var tree, error) = StackGuard.Run(tokens, static tokens =>
            {
                var fast = PredictiveParser.TryParse(tokens, out var syntaxError);
                // A syntax error the predictive parser words exactly as the grammar would (see its
                // SyntaxErrorAt): reported without running the grammar, whose failed alternatives and
                // expected sets cost 10-30 us for a 2-token expression.
                return syntaxError is not null ? (null, syntaxError) : (QualifierBinder.Bind(fast ?? ParseTree(tokens)), (FilterCompileException?)null);
            }, 0);
            return tree;
        }
        finally
        {
            // The tree and any error hold the tokens' strings and positions, never the list.
            Lexer.Return(tokens);
        }
    }

    /// <summary>The combinator grammar alone: the unbound tree of <paramref name="tokens"/> (no predictive parser, no binding).</summary>
    /// <exception cref="FilterCompileException">As <see cref="Parse"/>, for errors of the grammar.</exception>
    internal static FilterExpression ParseTree(List<Token> tokens)
    {
        var progress = new ParseProgress();
        var outer = ParseProgress.Current;
        ParseProgress.Current = progress;
        try
        {
            var result = Program.Parse(tokens);
            return result.Success ? result.Value : throw SyntaxError(tokens, result.Error!, progress);
        }
        finally
        {
            ParseProgress.Current = outer;
        }
    }

    private static FilterCompileException SyntaxError(List<Token> tokens, ParseError<Token> error, ParseProgress progress)
    {
        // Report the furthest token any alternative reached, as libpcap's LALR parser would.
        int furthest = progress.Furthest;
        int index = tokens.FindIndex(t => t.Position == furthest);
        if (index < 0)
            index = Math.Clamp(error.ErrorOffset, 0, tokens.Count - 1);
        var token = tokens[index];
        return SyntaxErrors.Unexpected(token, progress.Expected);
    }
}
