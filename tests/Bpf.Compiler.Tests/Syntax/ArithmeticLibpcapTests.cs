using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>
/// Operator precedence checked through libpcap's constant folding: for a constant expression E
/// that our tree evaluates to v, libpcap -O must accept every packet for <c>E = v</c> and
/// reject all for <c>E = v + 1</c>. A different grouping would (almost always) give another value.
/// </summary>
public sealed class ArithmeticLibpcapTests
{
    private static uint? Evaluate(ArithExpression node)
    {
        switch (node)
        {
            case ConstantArith c:
                return c.Value;
            case NegateArith n:
                return Evaluate(n.Operand) is { } v ? 0u - v : null;
            case BinaryArith b when Evaluate(b.Left) is { } l && Evaluate(b.Right) is { } r:
                return b.Operator switch
                {
                    ArithOperator.Add => l + r,
                    ArithOperator.Subtract => l - r,
                    ArithOperator.Multiply => l * r,
                    ArithOperator.Divide => r == 0 ? null : l / r,
                    ArithOperator.Modulo => r == 0 ? null : l % r,
                    ArithOperator.And => l & r,
                    ArithOperator.Or => l | r,
                    ArithOperator.Xor => l ^ r,
                    ArithOperator.LeftShift => r >= 32 ? null : l << (int)r,
                    _ => r >= 32 ? null : l >> (int)r,
                };
            default:
                return null;
        }
    }

    private static string Constant(Random random, int depth)
    {
        string[] ops = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"];
        var r = random.NextDouble();
        if (depth > 3 || r < 0.35)
            return random.Next(1, 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (r < 0.85)
            return $"{Constant(random, depth + 1)} {ops[random.Next(ops.Length)]} {Constant(random, depth + 1)}";
        if (r < 0.93)
            return "-" + Constant(random, depth + 1);
        return $"({Constant(random, depth + 1)})";
    }

    [LibpcapFact]
    public void ConstantExpressions_GroupLikeLibpcap()
    {
        var random = new Random(11);
        int checkedCount = 0;
        var failures = new List<string>();
        for (int i = 0; i < 3000 && checkedCount < 400; i++)
        {
            var text = Constant(random, 0);
            var relation = (Relation)FilterParser.Parse($"{text} = 0");
            if (Evaluate(relation.Left) is not { } value)
                continue;
            checkedCount++;
            var accept = Libpcap.Compile(LinkType.EN10MB, 262144, $"{text} = {value}", true, out var error);
            Libpcap.Compile(LinkType.EN10MB, 262144, $"{text} = {value + 1}", true, out var rejectError);
            if (accept is null || rejectError != "expression rejects all packets")
                failures.Add($"'{text}' = {value}: {error ?? "accepted"} / {rejectError ?? "accepted"}");
        }
        Assert.True(checkedCount >= 300, $"only {checkedCount} expressions evaluated");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }
}
