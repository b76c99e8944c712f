namespace Bpf.Compiler.Syntax;

/// <summary>
/// The predictive parser's keyword-led primitives that take a name or a fixed shape (802.11
/// type/subtype/dir, LLC, pflog, byte, SunATM, MTP2/MTP3): rare in expressions but each a long
/// detour through the Pidgin grammar's alternatives. Apart from the grammar walk in PredictiveParser.cs
/// so that each file is one idea: there, which rule comes next; here, these primitives' shapes, whose
/// nodes the grammar's own builders make.
/// </summary>
internal partial struct PredictiveParser
{
    private static readonly Dictionary<string, AtmAbbreviation> s_atmTypes = PrimitiveSyntax.AtmTypes.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
    private static readonly Dictionary<string, AtmAbbreviation> s_atmMultiTypes = PrimitiveSyntax.AtmMultiTypes.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
    private static readonly Dictionary<string, AtmField> s_atmFields = PrimitiveSyntax.AtmFields.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
    private static readonly Dictionary<string, Mtp2Type> s_mtp2Types = PrimitiveSyntax.Mtp2Types.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
    private static readonly Dictionary<string, Mtp3Field> s_mtp3Fields = PrimitiveSyntax.Mtp3Fields.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);

    /// <summary>
    /// The keyword-led primitives taking a name or a fixed shape (802.11, LLC, pflog, byte, SunATM,
    /// MTP): the grammar's own node builders (PrimitiveSyntax) make the nodes, so the trees are the
    /// grammar's; a name they refuse, and any other shape, is left to the combinators.
    /// </summary>
    private FilterExpression? NamedPrimitive(Token t)
    {
        var arg = PeekAt(1);
        bool numOrId = arg.Kind is TokenKind.Num or TokenKind.Id;
        switch (t.Text)
        {
            case "type" when numOrId:
            {
                _next += 2;
                Token? sub = null;
                if (IsKeyword(Peek, "subtype"))
                {
                    if (PeekAt(1).Kind is not (TokenKind.Num or TokenKind.Id))
                        return GiveUp();
                    Advance();
                    sub = Advance();
                }
                return Built(() => PrimitiveSyntax.TypeNode(t, arg, sub));
            }
            case "subtype" when arg.Kind == TokenKind.Id:
                _next += 2;
                return Built(() => PrimitiveSyntax.SubtypeNode(t, arg));
            case "dir" when numOrId:
                _next += 2;
                return Built(() => PrimitiveSyntax.DirNode(t, arg));
            case "reason" when numOrId:
                _next += 2;
                return Built(() => PrimitiveSyntax.ReasonNode(t, arg));
            case "action" when arg.Kind == TokenKind.Id:
                _next += 2;
                return Built(() => PrimitiveSyntax.ActionNode(t, arg));
            case "ifname" when arg.Kind == TokenKind.Id:
                _next += 2;
                return new PfIfNameExpression(arg.Text, t.Position);
            case "ruleset" when arg.Kind == TokenKind.Id:
                _next += 2;
                return new PfRulesetExpression(arg.Text, t.Position);
            case "rnr" when arg.Kind == TokenKind.Num:
                _next += 2;
                return new PfRuleNumberExpression(arg.Number, t.Position);
            case "srnr" when arg.Kind == TokenKind.Num:
                _next += 2;
                return new PfSubruleNumberExpression(arg.Number, t.Position);
            case "llc":
                Advance();
                if (arg.Kind == TokenKind.Id || IsKeyword(arg, "rnr"))
                {
                    Advance();
                    return Built(() => PrimitiveSyntax.LlcNode(arg, t.Position));
                }
                return new LlcExpression(t.Position);
            case "byte" when arg.Kind == TokenKind.Num && PeekAt(2) is { Kind: TokenKind.Punct, Text: "&" or "|" or "<" or ">" or "=" } op
                && PeekAt(3).Kind == TokenKind.Num:
            {
                var value = PeekAt(3);
                _next += 4;
                return new ByteExpression((ByteOperator)op.Text[0], arg.Number, value.Number, t.Position);
            }
        }
        if (s_atmTypes.TryGetValue(t.Text, out var atmType))
        {
            Advance();
            return new AtmTypeExpression(atmType, t.Position);
        }
        if (s_atmMultiTypes.TryGetValue(t.Text, out var atmMulti))
        {
            Advance();
            return new AtmMultiTypeExpression(atmMulti, t.Position);
        }
        if (s_mtp2Types.TryGetValue(t.Text, out var mtp2))
        {
            Advance();
            return new Mtp2TypeExpression(mtp2, t.Position);
        }
        bool atm = s_atmFields.TryGetValue(t.Text, out var atmField);
        bool mtp3 = s_mtp3Fields.TryGetValue(t.Text, out var mtp3Field);
        if (atm || mtp3)
        {
            // atmvalue / mtp3value: NUM or relop NUM (a parenthesized list is left to the combinators).
            Advance();
            var test = RelationTest.Equal;
            bool reversed = false;
            if (Peek.Kind == TokenKind.Punct && Tok.RelationOf(Peek.Text) is { } relop)
            {
                (test, reversed) = relop;
                Advance();
            }
            if (Peek.Kind != TokenKind.Num)
                return GiveUp();
            var value = Advance().Number;
            return atm
                ? new AtmFieldExpression(atmField, value, test, reversed, t.Position)
                : new Mtp3FieldExpression(mtp3Field, value, test, reversed, t.Position);
        }
        return GiveUp();
    }

    // A node the grammar's builder makes; a name it refuses is left to the grammar, which reports it.
    private FilterExpression? Built(Func<FilterExpression> build)
    {
        try
        {
            return build();
        }
        catch (FilterCompileException)
        {
            return GiveUp();
        }
    }
}
