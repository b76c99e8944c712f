using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>Short constructors for expected trees (positions 0) and a position eraser to compare shapes.</summary>
internal static class SyntaxTrees
{
    public static Qualifiers Q(ProtoQualifier proto = ProtoQualifier.Default, DirQualifier dir = DirQualifier.Default, AddrQualifier addr = AddrQualifier.Default) =>
        new(proto, dir, addr);

    public static readonly Qualifiers Host = Q(addr: AddrQualifier.Host);
    public static readonly Qualifiers Undefined = Qualifiers.Undefined;

    public static FilterExpression And(FilterExpression l, FilterExpression r) => new AndExpression(l, r, 0);
    public static FilterExpression Or(FilterExpression l, FilterExpression r) => new OrExpression(l, r, 0);
    public static FilterExpression Not(FilterExpression e) => new NotExpression(e, 0);
    public static FilterExpression Name(Qualifiers q, string name) => new NameId(q, name, 0);
    public static FilterExpression Number(Qualifiers q, uint n) => new NumberId(q, n, 0);
    public static FilterExpression HostAddr(Qualifiers q, string a) => new HostId(q, a, 0);
    public static FilterExpression Proto(ProtoQualifier p) => new ProtoAbbreviation(p, 0);
    public static ArithExpression C(uint v) => new ConstantArith(v, 0);
    public static ArithExpression Load(ProtoQualifier p, ArithExpression index, uint size = 1) => new LoadArith(p, index, size, 0);
    public static ArithExpression Bin(ArithOperator op, ArithExpression l, ArithExpression r) => new BinaryArith(op, l, r, 0);
    public static ArithExpression Neg(ArithExpression e) => new NegateArith(e, 0);
    public static FilterExpression Rel(RelationTest test, bool reversed, ArithExpression l, ArithExpression r) => new Relation(test, reversed, l, r, 0);

    /// <summary>The tree with every Position set to 0, so tables can compare shapes.</summary>
    public static FilterExpression Erase(FilterExpression node) => node switch
    {
        AndExpression e => new AndExpression(Erase(e.Left), Erase(e.Right), 0),
        OrExpression e => new OrExpression(Erase(e.Left), Erase(e.Right), 0),
        NotExpression e => new NotExpression(Erase(e.Operand), 0),
        Relation e => new Relation(e.Test, e.Reversed, Erase(e.Left), Erase(e.Right), 0),
        _ => node with { Position = 0 },
    };

    public static ArithExpression Erase(ArithExpression node) => node switch
    {
        LoadArith e => new LoadArith(e.Proto, Erase(e.Index), e.Size, 0),
        BinaryArith e => new BinaryArith(e.Operator, Erase(e.Left), Erase(e.Right), 0),
        NegateArith e => new NegateArith(Erase(e.Operand), 0),
        _ => node with { Position = 0 },
    };

    /// <summary>Every node of a tree, boolean and arithmetic, for checks over whole trees.</summary>
    public static IEnumerable<object> Nodes(FilterExpression node)
    {
        yield return node;
        IEnumerable<object> children = node switch
        {
            AndExpression e => Nodes(e.Left).Concat(Nodes(e.Right)),
            OrExpression e => Nodes(e.Left).Concat(Nodes(e.Right)),
            NotExpression e => Nodes(e.Operand),
            Relation e => Nodes(e.Left).Concat(Nodes(e.Right)),
            _ => [],
        };
        foreach (var child in children)
            yield return child;
    }

    public static IEnumerable<object> Nodes(ArithExpression node)
    {
        yield return node;
        IEnumerable<object> children = node switch
        {
            LoadArith e => Nodes(e.Index),
            BinaryArith e => Nodes(e.Left).Concat(Nodes(e.Right)),
            NegateArith e => Nodes(e.Operand),
            _ => [],
        };
        foreach (var child in children)
            yield return child;
    }
}
