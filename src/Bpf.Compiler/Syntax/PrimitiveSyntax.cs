using Bpf.Vm;
using Pidgin;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// The keyword-led primitives of grammar.y.in: <c>other</c> (less, greater, byte, inbound, vlan,
/// mpls, pppoe, geneve, pflog fields, 802.11, llc), SunATM and MTP2/MTP3. The checks the grammar
/// makes on names and values (802.11 types, LLC and pflog names) are made here, as libpcap does.
/// </summary>
internal static class PrimitiveSyntax
{
    private static Parser<Token, FilterExpression> KeywordNum(string keyword, Func<uint, int, FilterExpression> make) =>
        Parser.Map((k, n) => make(n.Number, k.Position), Tok.Keyword(keyword), Tok.Num);

    private static Parser<Token, FilterExpression> KeywordOptionalPNum(string keyword, Func<uint?, int, FilterExpression> make) =>
        Parser.Map((k, n) => make(n.HasValue ? n.Value.Number : null, k.Position), Tok.Keyword(keyword), Tok.PNum.Optional());

    private static readonly Parser<Token, (ByteOperator Op, int Position)> ByteOp =
        Tok.Match(t => t.Kind == TokenKind.Punct && t.Text is "&" or "|" or "<" or ">" or "=", "'&', '|', '<', '>' or '='")
            .Select(t => ((ByteOperator)t.Text[0], t.Position))
            .Labelled("'&', '|', '<', '>' or '='");

    private static readonly Parser<Token, FilterExpression> Byte =
        Parser.Map((k, offset, op, value) => (FilterExpression)new ByteExpression(op.Op, offset.Number, value.Number, k.Position),
            Tok.Keyword("byte"), Tok.Num, ByteOp, Tok.Num);

    private static readonly Parser<Token, FilterExpression> PfVar = Parser.OneOf(
        Parser.Map((k, id) => (FilterExpression)new PfIfNameExpression(id.Text, k.Position), Tok.Keyword("ifname"), Tok.Id),
        Parser.Map((k, id) => (FilterExpression)new PfRulesetExpression(id.Text, k.Position), Tok.Keyword("ruleset"), Tok.Id),
        KeywordNum("rnr", (n, p) => new PfRuleNumberExpression(n, p)),
        KeywordNum("srnr", (n, p) => new PfSubruleNumberExpression(n, p)),
        Parser.Map(ReasonNode, Tok.Keyword("reason"), Tok.Num.Or(Tok.Id)),
        Parser.Map(ActionNode, Tok.Keyword("action"), Tok.Id));

    private static readonly Parser<Token, Token> NumOrId = Tok.Num.Or(Tok.Id).Labelled("number or name");

    /// <summary><c>p80211</c>; a protocol qualifier may precede it and is ignored, as in libpcap.</summary>
    private static readonly Parser<Token, FilterExpression> Ieee80211 = Parser.OneOf(
        Parser.Map((k, type, sub) => TypeNode(k, type, sub.HasValue ? sub.Value : null),
            Tok.Keyword("type"), NumOrId, Tok.Keyword("subtype").Then(NumOrId).Optional()),
        Parser.Map(SubtypeNode, Tok.Keyword("subtype"), Tok.Id),
        Parser.Map(DirNode, Tok.Keyword("dir"), NumOrId));

    /// <summary><c>pqual TK_BROADCAST</c>, <c>pqual TK_MULTICAST</c>, <c>pqual p80211</c>.</summary>
    public static readonly Parser<Token, FilterExpression> QualifiedOther =
        Parser.Map((proto, node) => node(proto.HasValue ? proto.Value.Value : ProtoQualifier.Default),
            Tok.PName.Optional(),
            Parser.OneOf(
                Tok.Keyword("broadcast").Select<Func<ProtoQualifier, FilterExpression>>(t => q => new BroadcastExpression(q, t.Position)),
                Tok.Keyword("multicast").Select<Func<ProtoQualifier, FilterExpression>>(t => q => new MulticastExpression(q, t.Position)),
                Ieee80211.Select<Func<ProtoQualifier, FilterExpression>>(e => _ => e)));

    private static readonly Parser<Token, FilterExpression> Llc =
        Parser.Map((k, arg) => arg.HasValue ? LlcNode(arg.Value, k.Position) : new LlcExpression(k.Position),
            Tok.Keyword("llc"), Tok.Id.Or(Tok.Keyword("rnr")).Optional());

    /// <summary><c>atmvalue</c> / <c>mtp3value</c>: NUM, relop NUM, or a parenthesized list of NUMs joined by <c>or</c>.</summary>
    private static Parser<Token, FilterExpression> FieldValue(Func<uint, RelationTest, bool, int, FilterExpression> make) =>
        Parser.OneOf(
            Tok.Num.Select(n => make(n.Number, RelationTest.Equal, false, n.Position)),
            Parser.Map((op, n) => make(n.Number, op.Test, op.Reversed, n.Position), Tok.RelOp, Tok.Num),
            Parser.Map((first, rest) => rest.Aggregate(make(first.Number, RelationTest.Equal, false, first.Position),
                    (left, next) => new OrExpression(left, make(next.Number.Number, RelationTest.Equal, false, next.Number.Position), next.Or.Position)),
                Tok.LParen.Then(Tok.Num),
                Parser.Map((or, n) => (Or: or, Number: n), Tok.Or, Tok.Num).Many().Before(Tok.RParen)));

    /// <summary>The ATM abbreviations that test one type (<see cref="AtmTypeExpression"/>).</summary>
    internal static readonly (string Name, AtmAbbreviation Value)[] AtmTypes =
    [
        ("lane", AtmAbbreviation.Lane), ("metac", AtmAbbreviation.Metac), ("bcc", AtmAbbreviation.Bcc),
        ("oamf4ec", AtmAbbreviation.Oamf4Ec), ("oamf4sc", AtmAbbreviation.Oamf4Sc), ("sc", AtmAbbreviation.Sc), ("ilmic", AtmAbbreviation.Ilmic),
    ];

    /// <summary>The ATM abbreviations that test several (<see cref="AtmMultiTypeExpression"/>).</summary>
    internal static readonly (string Name, AtmAbbreviation Value)[] AtmMultiTypes =
    [
        ("oam", AtmAbbreviation.Oam), ("oamf4", AtmAbbreviation.Oamf4),
        ("connectmsg", AtmAbbreviation.ConnectMsg), ("metaconnect", AtmAbbreviation.MetaConnect),
    ];

    /// <summary>The SunATM header fields.</summary>
    internal static readonly (string Name, AtmField Value)[] AtmFields = [("vpi", AtmField.Vpi), ("vci", AtmField.Vci)];

    /// <summary>The MTP2 frame types.</summary>
    internal static readonly (string Name, Mtp2Type Value)[] Mtp2Types =
    [
        ("fisu", Mtp2Type.Fisu), ("lssu", Mtp2Type.Lssu), ("msu", Mtp2Type.Msu),
        ("hfisu", Mtp2Type.HsFisu), ("hlssu", Mtp2Type.HsLssu), ("hmsu", Mtp2Type.HsMsu),
    ];

    /// <summary>The MTP3 fields.</summary>
    internal static readonly (string Name, Mtp3Field Value)[] Mtp3Fields =
    [
        ("sio", Mtp3Field.Sio), ("opc", Mtp3Field.Opc), ("dpc", Mtp3Field.Dpc), ("sls", Mtp3Field.Sls),
        ("hsio", Mtp3Field.HsSio), ("hopc", Mtp3Field.HsOpc), ("hdpc", Mtp3Field.HsDpc), ("hsls", Mtp3Field.HsSls),
    ];

    private static readonly Parser<Token, FilterExpression> Atm = Parser.OneOf(
        Tok.KeywordTable("ATM type", AtmTypes).Select(t => (FilterExpression)new AtmTypeExpression(t.Value, t.Position)),
        Tok.KeywordTable("ATM type", AtmMultiTypes).Select(t => (FilterExpression)new AtmMultiTypeExpression(t.Value, t.Position)),
        Tok.KeywordTable("ATM field", AtmFields)
            .Then(f => FieldValue((v, test, reversed, _) => new AtmFieldExpression(f.Value, v, test, reversed, f.Position))));

    private static readonly Parser<Token, FilterExpression> Mtp = Parser.OneOf(
        Tok.KeywordTable("MTP2 type", Mtp2Types).Select(t => (FilterExpression)new Mtp2TypeExpression(t.Value, t.Position)),
        Tok.KeywordTable("MTP3 field", Mtp3Fields)
            .Then(f => FieldValue((v, test, reversed, _) => new Mtp3FieldExpression(f.Value, v, test, reversed, f.Position))));

    /// <summary>The keyword-led alternatives of <c>other</c> plus the ATM and MTP rterms (not those led by pqual).</summary>
    public static readonly Parser<Token, FilterExpression> Other = Parser.OneOf(
        KeywordNum("less", (n, p) => new LessExpression(n, p)),
        KeywordNum("greater", (n, p) => new GreaterExpression(n, p)),
        Byte,
        Tok.Keyword("inbound").Select(t => (FilterExpression)new InboundExpression(false, t.Position)),
        Tok.Keyword("outbound").Select(t => (FilterExpression)new InboundExpression(true, t.Position)),
        KeywordNum("ifindex", (n, p) => new IfIndexExpression(n, p)),
        KeywordOptionalPNum("vlan", (n, p) => new VlanExpression(n, p)),
        KeywordOptionalPNum("mpls", (n, p) => new MplsExpression(n, p)),
        Tok.Keyword("pppoed").Select(t => (FilterExpression)new PppoedExpression(t.Position)),
        KeywordOptionalPNum("pppoes", (n, p) => new PppoesExpression(n, p)),
        KeywordOptionalPNum("geneve", (n, p) => new GeneveExpression(n, p)),
        KeywordOptionalPNum("vxlan", (n, p) => new VxlanExpression(n, p)),
        PfVar,
        Llc,
        Atm,
        Mtp);

    /// <summary><c>type T [subtype S]</c> at keyword <paramref name="k"/> (also the predictive parser's).</summary>
    /// <exception cref="FilterCompileException">An unknown name or a value out of range, as libpcap's grammar reports it.</exception>
    internal static FilterExpression TypeNode(Token k, Token type, Token? sub) => sub is { } subtype
        ? new Ieee80211TypeExpression(Ieee80211Type(type) | Ieee80211Subtype(Ieee80211Type(type), subtype),
            NameTables.Ieee80211TypeMask | NameTables.Ieee80211SubtypeMask, k.Position)
        {
            V110Error = HeadOnly(subtype) ? $"unknown 802.11 subtype name \"{subtype.Text}\"" : null,
        }
        : new Ieee80211TypeExpression(Ieee80211Type(type), NameTables.Ieee80211TypeMask, k.Position);

    /// <summary><c>subtype S</c> at keyword <paramref name="k"/>.</summary>
    /// <exception cref="FilterCompileException">An unknown subtype name.</exception>
    internal static FilterExpression SubtypeNode(Token k, Token id) =>
        new Ieee80211TypeExpression(TypeSubtype(id), NameTables.Ieee80211TypeMask | NameTables.Ieee80211SubtypeMask, k.Position)
        {
            V110Error = HeadOnly(id) ? "unknown 802.11 type name" : null,
        };

    /// <summary><c>dir D</c> at keyword <paramref name="k"/>.</summary>
    /// <exception cref="FilterCompileException">An unknown direction name.</exception>
    internal static FilterExpression DirNode(Token k, Token d) =>
        new Ieee80211DirExpression(d.Kind == TokenKind.Num
            ? d.Number
            : Require(NameTables.Lookup(NameTables.Ieee80211Directions, d.Text), d, "unknown 802.11 direction"), k.Position);

    /// <summary><c>reason R</c> (a number or a name) at keyword <paramref name="k"/>.</summary>
    /// <exception cref="FilterCompileException">An unknown reason name.</exception>
    internal static FilterExpression ReasonNode(Token k, Token v) =>
        new PfReasonExpression(v.Kind == TokenKind.Num
            ? (int)v.Number
            : (int)Require(NameTables.Lookup(NameTables.PfReasons, v.Text), v, $"unknown PF reason \"{v.Text}\""), k.Position);

    /// <summary><c>action A</c> at keyword <paramref name="k"/>.</summary>
    /// <exception cref="FilterCompileException">An unknown action name.</exception>
    internal static FilterExpression ActionNode(Token k, Token v) =>
        new PfActionExpression((int)Require(NameTables.Lookup(NameTables.PfActions, v.Text), v, $"unknown PF action \"{v.Text}\""), k.Position);

    private static uint Ieee80211Type(Token type)
    {
        if (type.Kind == TokenKind.Num)
            return (type.Number & ~NameTables.Ieee80211TypeMask) == 0
                ? type.Number
                : throw Error(FilterErrorKind.ValueOutOfRange, type, $"invalid 802.11 type value 0x{type.Number:x2}");
        return Require(NameTables.Lookup(NameTables.Ieee80211Types, type.Text), type, $"unknown 802.11 type name \"{type.Text}\"");
    }

    private static uint Ieee80211Subtype(uint type, Token subtype)
    {
        if (subtype.Kind == TokenKind.Num)
            return (subtype.Number & ~NameTables.Ieee80211SubtypeMask) == 0
                ? subtype.Number
                : throw Error(FilterErrorKind.ValueOutOfRange, subtype, $"invalid 802.11 subtype value 0x{subtype.Number:x2}");
        foreach (var (t, names) in NameTables.Ieee80211Subtypes)
            if (t == type)
                return Require(NameTables.Lookup(names, subtype.Text), subtype, $"unknown 802.11 subtype name \"{subtype.Text}\"");
        throw Error(FilterErrorKind.UnknownName, subtype, "unknown 802.11 type");
    }

    private static bool HeadOnly(Token name) => name.Kind != TokenKind.Num && NameTables.IsHeadOnlySubtype(name.Text);

    private static uint TypeSubtype(Token id)
    {
        foreach (var (type, names) in NameTables.Ieee80211Subtypes)
            if (NameTables.Lookup(names, id.Text) is { } subtype)
                return subtype | type;
        throw Error(FilterErrorKind.UnknownName, id, "unknown 802.11 type name");
    }

    /// <summary><c>llc</c>'s argument (an id or <c>rnr</c>) at <paramref name="position"/>.</summary>
    /// <exception cref="FilterCompileException">An unknown LLC type name.</exception>
    internal static FilterExpression LlcNode(Token arg, int position)
    {
        if (arg.Kind == TokenKind.Keyword)
            return new LlcSSubtypeExpression(NameTables.LlcRnr, position);
        switch (arg.Text.ToLowerInvariant())
        {
            case "i": return new LlcIFrameExpression(position);
            case "s": return new LlcSFrameExpression(position);
            case "u": return new LlcUFrameExpression(position);
        }
        if (NameTables.Lookup(NameTables.LlcSSubtypes, arg.Text) is { } s)
            return new LlcSSubtypeExpression(s, position);
        return new LlcUSubtypeExpression(
            Require(NameTables.Lookup(NameTables.LlcUSubtypes, arg.Text), arg, $"unknown LLC type name \"{arg.Text}\""), position);
    }

    private static uint Require(uint? value, Token token, string message) =>
        value ?? throw Error(FilterErrorKind.UnknownName, token, message);

    private static FilterCompileException Error(FilterErrorKind kind, Token token, string message) =>
        new(kind, token.Position, message);
}
