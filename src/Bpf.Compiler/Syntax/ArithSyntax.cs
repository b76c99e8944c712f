using Bpf.Vm;
using Pidgin;

namespace Bpf.Compiler.Syntax;

/// <summary>
/// <c>arth</c>, <c>narth</c> and <c>arth relop arth</c> of grammar.y.in. Operator precedence is
/// folded explicitly rather than with an ExpressionParser table because libpcap's is irregular:
/// <c>%</c> and <c>^</c> have no declared precedence, so bison resolves every conflict that involves
/// them by shifting (<c>a * b % c + d</c> is <c>a * (b % (c + d))</c>).
/// </summary>
internal static class ArithSyntax
{
    /// <summary>The binary arithmetic operator a punctuation token spells, or null.</summary>
    internal static ArithOperator? OperatorOf(string text) => text switch
    {
        "+" => ArithOperator.Add,
        "-" => ArithOperator.Subtract,
        "*" => ArithOperator.Multiply,
        "/" => ArithOperator.Divide,
        "%" => ArithOperator.Modulo,
        "&" => ArithOperator.And,
        "|" => ArithOperator.Or,
        "^" => ArithOperator.Xor,
        "<<" => ArithOperator.LeftShift,
        ">>" => ArithOperator.RightShift,
        _ => null,
    };

    private static readonly Parser<Token, (ArithOperator Operator, int Position)> BinaryOperator =
        Tok.Match(t => t.Kind == TokenKind.Punct && OperatorOf(t.Text) is not null, "arithmetic operator")
            .Select(t => (OperatorOf(t.Text)!.Value, t.Position))
            .Labelled("arithmetic operator");

    /// <summary><c>arth</c>: an arithmetic expression.</summary>
    public static readonly Parser<Token, ArithExpression> Arith = Parser.Rec<Token, ArithExpression>(() => StackGuard.Parser.Then(ArithBody!));

    private static readonly Parser<Token, ArithExpression> Load =
        Parser.Map(
            (proto, index, size) => (ArithExpression)new LoadArith(proto.Value, index, size.HasValue ? size.Value.Number : 1, proto.Position),
            Tok.PName.Before(Tok.Punct("[")),
            Arith,
            Tok.Punct(":").Then(Tok.Num).Optional().Before(Tok.Punct("]")))
        .Labelled("protocol[offset]");

    private static readonly Parser<Token, ArithExpression> Primary = Parser.OneOf(
        Tok.Num.Select(t => (ArithExpression)new ConstantArith(t.Number, t.Position)),
        Tok.Keyword("len").Select(t => (ArithExpression)new LengthArith(t.Position)),
        Load,
        Arith.Between(Tok.LParen, Tok.RParen))
        .Labelled("arithmetic operand");

    /// <summary>An operand with its unary minus signs: positions of the signs, then the operand.</summary>
    private static readonly Parser<Token, (IEnumerable<Token> Minus, ArithExpression Operand)> Signed =
        Parser.Map((minus, operand) => (minus, operand), Tok.Punct("-").Many(), Primary);

    private static readonly Parser<Token, ArithExpression> ArithBody =
        Parser.Map(
            (first, rest) => Fold(first, rest),
            Signed,
            Parser.Map((op, operand) => (op, operand), BinaryOperator, Signed).Many());

    /// <summary><c>arth relop arth</c> and <c>arth irelop arth</c> (gen_relation).</summary>
    public static readonly Parser<Token, FilterExpression> Relation =
        Parser.Map(
            (left, op, right) => (FilterExpression)new Relation(op.Test, op.Reversed, left, right, op.Position),
            Arith, Tok.RelOp, Arith);

    private readonly record struct PendingOperator(ArithOperator? Binary, int Position)
    {
        // bison's %left levels: | < & < << >> < + - < * / < unary minus; % and ^ have none.
        public int Precedence => Binary switch
        {
            null => 6,
            ArithOperator.Or => 1,
            ArithOperator.And => 2,
            ArithOperator.LeftShift or ArithOperator.RightShift => 3,
            ArithOperator.Add or ArithOperator.Subtract => 4,
            ArithOperator.Multiply or ArithOperator.Divide => 5,
            _ => 0,
        };
    }

    /// <summary>
    /// Replays bison's shift/reduce decisions: reduce the pending operator before shifting the next
    /// one only when both have a precedence and the pending one's is not lower (left associativity).
    /// </summary>
    internal static ArithExpression Fold(
        (IEnumerable<Token> Minus, ArithExpression Operand) first,
        IEnumerable<((ArithOperator Operator, int Position) Op, (IEnumerable<Token> Minus, ArithExpression Operand) Signed)> rest)
    {
        var operands = new Stack<ArithExpression>();
        var operators = new Stack<PendingOperator>();
        void Push((IEnumerable<Token> Minus, ArithExpression Operand) signed)
        {
            foreach (var minus in signed.Minus)
                operators.Push(new PendingOperator(null, minus.Position));
            operands.Push(signed.Operand);
        }
        void Reduce()
        {
            var op = operators.Pop();
            var right = operands.Pop();
            operands.Push(op.Binary is { } binary
                ? new BinaryArith(binary, operands.Pop(), right, op.Position)
                : new NegateArith(right, op.Position));
        }
        Push(first);
        foreach (var (op, signed) in rest)
        {
            var incoming = new PendingOperator(op.Operator, op.Position);
            while (operators.Count > 0 && operators.Peek().Precedence > 0 && incoming.Precedence > 0
                   && operators.Peek().Precedence >= incoming.Precedence)
                Reduce();
            operators.Push(incoming);
            Push(signed);
        }
        while (operators.Count > 0)
            Reduce();
        return operands.Pop();
    }
}
