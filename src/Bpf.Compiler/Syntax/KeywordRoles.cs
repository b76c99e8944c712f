namespace Bpf.Compiler.Syntax;

/// <summary>
/// What a keyword can be in the grammar's head rules (a <c>pname</c>, a direction, an <c>aqual</c>, or
/// <c>proto</c>/<c>protochain</c>/<c>gateway</c>), found by the keyword's number
/// (<see cref="Token.Number"/>, see <see cref="Keywords.Canonical"/>) instead of a string look-up in
/// each table: the predictive parser asks these of nearly every keyword (~10 look-ups of ~10 ns for
/// <c>tcp port 80</c>).
/// </summary>
/// <param name="Proto">The protocol a <c>pname</c> names.</param>
/// <param name="Direction">A one-word direction qualifier (<c>src</c> and <c>dst</c> have their own rule).</param>
/// <param name="AddressType">An <c>aqual</c>: host, net, port, portrange.</param>
/// <param name="ProtocolQualifier">A qualifier that stands alone after a protocol: proto, protochain, gateway.</param>
internal readonly record struct KeywordRoles(ProtoQualifier? Proto, DirQualifier? Direction, AddrQualifier? AddressType, AddrQualifier? ProtocolQualifier)
{
    // Index 0: no roles (not a keyword, or '&&' / '||').
    private static readonly KeywordRoles[] s_byNumber = Build();

    /// <summary>The roles of <paramref name="t"/>; none unless it is a keyword.</summary>
    public static ref readonly KeywordRoles Of(Token t) => ref s_byNumber[t.Kind == TokenKind.Keyword ? t.Number : 0];

    /// <summary>Whether a <c>head</c> can start with the keyword (after an optional protocol): src, dst, a direction, an aqual, proto, protochain, gateway.</summary>
    public bool StartsHead { get; private init; }

    private static KeywordRoles[] Build()
    {
        var roles = new KeywordRoles[Keywords.Canonical.Count + 1];
        foreach (var (name, value) in GrammarTables.ProtoNames)
            roles[NumberOf(name)] = roles[NumberOf(name)] with { Proto = value };
        foreach (var (name, value) in GrammarTables.Directions)
            roles[NumberOf(name)] = roles[NumberOf(name)] with { Direction = value, StartsHead = true };
        foreach (var (name, value) in GrammarTables.AddressTypes)
            roles[NumberOf(name)] = roles[NumberOf(name)] with { AddressType = value, StartsHead = true };
        foreach (var (name, value) in GrammarTables.ProtocolQualifiers)
            roles[NumberOf(name)] = roles[NumberOf(name)] with { ProtocolQualifier = value, StartsHead = true };
        foreach (var name in (string[])["src", "dst"])
            roles[NumberOf(name)] = roles[NumberOf(name)] with { StartsHead = true };
        return roles;
    }

    private static uint NumberOf(string keyword) =>
        Keywords.IdOf(keyword) is > 0 and var number ? number : throw new InvalidOperationException($"'{keyword}' is not a keyword");
}
