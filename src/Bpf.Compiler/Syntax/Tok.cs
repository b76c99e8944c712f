using Bpf.Vm;
using Pidgin;

namespace Bpf.Compiler.Syntax;

/// <summary>Token-level parsers shared by the grammar's parts, each labelled with what it expects.</summary>
internal static class Tok
{
    /// <summary>
    /// A token satisfying the predicate. Every token examined is reported to the parse's
    /// <see cref="ParseProgress.Current"/>: the furthest one is where an LR parser such as libpcap's would
    /// have detected the error, whatever alternative the backtracking parser tried last.
    /// </summary>
    public static Parser<Token, Token> Match(Func<Token, bool> predicate, string label) =>
        Parser<Token>.Token(t =>
        {
            var matched = predicate(t);
            ParseProgress.Current?.Examined(t.Position, matched ? null : label);
            return matched;
        }).Labelled(label);

    /// <summary>A keyword by its canonical name (<c>"and"</c> also matches <c>&amp;&amp;</c>).</summary>
    public static Parser<Token, Token> Keyword(string name) =>
        Match(t => t.Kind == TokenKind.Keyword && t.Text == name, $"'{name}'");

    /// <summary>An operator or punctuation by its canonical text (<c>"="</c> also matches <c>==</c>, <c>"!"</c> also <c>not</c>).</summary>
    public static Parser<Token, Token> Punct(string text) =>
        Match(t => t.Kind == TokenKind.Punct && t.Text == text, $"'{text}'");

    /// <summary>A token of the given kind.</summary>
    public static Parser<Token, Token> Of(TokenKind kind, string label) =>
        Match(t => t.Kind == kind, label);

    /// <summary>The first of several keywords, mapped to a value.</summary>
    public static Parser<Token, (T Value, int Position)> KeywordTable<T>(string label, params (string Name, T Value)[] table)
    {
        // Looked up, not scanned with a predicate over the token (a closure and a delegate per token tried).
        var byName = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var (name, value) in table)
            byName.TryAdd(name, value);
        return Match(t => t.Kind == TokenKind.Keyword && byName.ContainsKey(t.Text), label)
            .Select(t => (byName[t.Text], t.Position));
    }

    public static readonly Parser<Token, Token> And = Keyword("and");
    public static readonly Parser<Token, Token> Or = Keyword("or");
    public static readonly Parser<Token, Token> AndOr = Keyword("and").Or(Keyword("or")).Labelled("'and' or 'or'");
    public static readonly Parser<Token, Token> Not = Punct("!");
    public static readonly Parser<Token, Token> LParen = Punct("(");
    public static readonly Parser<Token, Token> RParen = Punct(")");
    public static readonly Parser<Token, Token> Num = Of(TokenKind.Num, "number");
    public static readonly Parser<Token, Token> Id = Of(TokenKind.Id, "name");
    public static readonly Parser<Token, Token> End = Of(TokenKind.End, "end of expression");

    /// <summary><c>pnum: NUM | '(' pnum ')'</c>; the result keeps the number token's position.</summary>
    public static readonly Parser<Token, Token> PNum = Parser.Rec<Token, Token>(() =>
        Num.Or(PNum!.Between(LParen, RParen))).Labelled("number");

    /// <summary><c>pname</c>: a protocol name.</summary>
    public static readonly Parser<Token, (ProtoQualifier Value, int Position)> PName = KeywordTable("protocol name", GrammarTables.ProtoNames);

    /// <summary><c>relop</c> (<c>&gt; &gt;= =</c>) and <c>irelop</c> (<c>&lt;= &lt; !=</c>, reversed).</summary>
    public static readonly Parser<Token, (RelationTest Test, bool Reversed, int Position)> RelOp =
        Match(t => t.Kind == TokenKind.Punct && RelationOf(t.Text) is not null, "relational operator")
            .Select(t =>
            {
                var (test, reversed) = RelationOf(t.Text)!.Value;
                return (test, reversed, t.Position);
            })
            .Labelled("relational operator");

    /// <summary>
    /// The test a relational operator's text stands for (<c>irelop</c>'s reversed: <c>&lt;=</c> is not
    /// <c>&gt;</c>), or null for any other text. The grammar's <see cref="RelOp"/> and the predictive
    /// parser read operators through this one table.
    /// </summary>
    public static (RelationTest Test, bool Reversed)? RelationOf(string op) => op switch
    {
        ">" => (RelationTest.Greater, false),
        ">=" => (RelationTest.GreaterOrEqual, false),
        "=" => (RelationTest.Equal, false),
        "<=" => (RelationTest.Greater, true),
        "<" => (RelationTest.GreaterOrEqual, true),
        "!=" => (RelationTest.Equal, true),
        _ => null,
    };
}
