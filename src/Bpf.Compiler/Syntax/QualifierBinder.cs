using Bpf.Vm;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// A term <c>head id</c> before its qualifiers are bound: the head's qualifiers and the id tree.
/// Exists only between parsing and <see cref="QualifierBinder"/>.
/// </summary>
internal sealed record HeadTerm(Qualifiers Head, FilterExpression Id, int Position) : FilterExpression(Position);

/// <summary>A term <c>( expr )</c> before binding (its qualifiers are the ones before the parenthesis).</summary>
internal sealed record ParenTerm(FilterExpression Inner, int Position) : FilterExpression(Position);

/// <summary>An id after <c>and</c>/<c>or</c> in an expression, before binding: it takes the qualifiers of what precedes it.</summary>
internal sealed record BareId(FilterExpression Id, int Position) : FilterExpression(Position);

/// <summary>
/// Replays grammar.y.in's qualifier inheritance (the <c>$&lt;blk&gt;0</c> references): an id
/// takes the qualifiers of the term before it (<c>tcp dst port ftp or ftp-data</c>), a parenthesized
/// expression passes on the qualifiers that preceded it, every other term resets them to
/// libpcap's <c>qerr</c> (<see cref="Qualifiers.Undefined"/>), and so does the start of the expression.
/// </summary>
internal static class QualifierBinder
{
    public static FilterExpression Bind(FilterExpression parsed) => BindExpr(parsed, Qualifiers.Undefined).Node;

    private static (FilterExpression Node, Qualifiers Result) BindExpr(FilterExpression node, Qualifiers inherited)
    {
        // The and/or chain is a left-deep spine as long as the expression: a short one (nearly every
        // expression's) by recursion, a longer one without (a Stack was two objects per and/or expression).
        var length = 0;
        for (var n = node; n is AndExpression or OrExpression && length <= RecursiveChainLength; length++)
            n = n is AndExpression a ? a.Left : ((OrExpression)n).Left;
        if (length <= RecursiveChainLength)
            return BindShortChain(node, inherited);
        Stack<FilterExpression>? spine = null;
        while (node is AndExpression or OrExpression)
        {
            (spine ??= new Stack<FilterExpression>()).Push(node);
            node = node is AndExpression and ? and.Left : ((OrExpression)node).Left;
        }
        var (result, q) = BindTerm(node, inherited);
        while (spine is { Count: > 0 })
        {
            var op = spine.Pop();
            var (right, next) = BindElement(op is AndExpression and ? and.Right : ((OrExpression)op).Right, q);
            result = op is AndExpression ? new AndExpression(result, right, op.Position) : new OrExpression(result, right, op.Position);
            q = next;
        }
        return (result, q);
    }

    /// <summary>The longest and/or chain bound by recursion (a frame per operator).</summary>
    private const int RecursiveChainLength = 64;

    // The spine's terms left to right, as the loop of BindExpr binds them.
    private static (FilterExpression Node, Qualifiers Result) BindShortChain(FilterExpression node, Qualifiers inherited)
    {
        switch (node)
        {
            case AndExpression and:
            {
                var (left, q) = BindShortChain(and.Left, inherited);
                var (right, next) = BindElement(and.Right, q);
                return (new AndExpression(left, right, and.Position), next);
            }
            case OrExpression or:
            {
                var (left, q) = BindShortChain(or.Left, inherited);
                var (right, next) = BindElement(or.Right, q);
                return (new OrExpression(left, right, or.Position), next);
            }
            default:
                return BindTerm(node, inherited);
        }
    }

    private static (FilterExpression Node, Qualifiers Result) BindElement(FilterExpression node, Qualifiers inherited) =>
        node is BareId bare ? (BindIds(bare.Id, inherited), inherited) : BindTerm(node, inherited);

    private static (FilterExpression Node, Qualifiers Result) BindTerm(FilterExpression node, Qualifiers inherited)
    {
        StackGuard.Check();
        switch (node)
        {
            case NotExpression not:
            {
                var (operand, result) = BindTerm(not.Operand, inherited);
                return (new NotExpression(operand, not.Position), result);
            }
            case HeadTerm head:
                return (BindIds(head.Id, head.Head), head.Head);
            case ParenTerm paren:
                return (BindExpr(paren.Inner, inherited).Node, inherited);
            default:
                return (node, Qualifiers.Undefined);
        }
    }

    /// <summary>Every id of an id tree (<c>host (a or not b)</c>) gets the same qualifiers.</summary>
    private static FilterExpression BindIds(FilterExpression node, Qualifiers q)
    {
        StackGuard.Check();
        return BindId(node, q);
    }

    private static FilterExpression BindId(FilterExpression node, Qualifiers q) => node switch
    {
        AndExpression and => new AndExpression(BindIds(and.Left, q), BindIds(and.Right, q), and.Position),
        OrExpression or => new OrExpression(BindIds(or.Left, q), BindIds(or.Right, q), or.Position),
        NotExpression not => new NotExpression(BindIds(not.Operand, q), not.Position),
        NameId id => id with { Qualifiers = q },
        NumberId id => id with { Qualifiers = q },
        HostId id => CheckHost(id with { Qualifiers = q }),
        MaskedHostId id => id with { Qualifiers = q },
        Ipv6Id id => id with { Qualifiers = q },
        MacId id => id with { Qualifiers = q },
        ArcnetId id => id with { Qualifiers = q },
        _ => throw new InvalidOperationException($"not an id: {node}"),
    };

    /// <summary>grammar.y.in's own check on a plain dotted id (<c>port 1.2.3.4</c>).</summary>
    private static HostId CheckHost(HostId id)
    {
        var modifier = id.Qualifiers.Addr switch
        {
            AddrQualifier.Port => "port",
            AddrQualifier.PortRange => "portrange",
            AddrQualifier.Proto => "proto",
            AddrQualifier.Protochain => "protochain",
            _ => null,
        };
        return modifier is null
            ? id
            : throw new FilterCompileException(FilterErrorKind.InvalidQualifier, id.Position, $"'{modifier}' modifier applied to ip host");
    }
}
