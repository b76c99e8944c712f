using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Optimizer;

/// <summary>Small builders for hand-written block graphs, and a deep copy for before/after comparisons.</summary>
internal static class Graphs
{
    public const uint Accept = 262144;

    public static Stmt S(int code, uint k = 0) => new((ushort)code, k);

    public static Block Ret(uint k) => new(S(Opcodes.Ret | Opcodes.K, k));

    /// <summary>A block running <paramref name="stmts"/> then <c>code #k</c> (a jump) to <paramref name="t"/>/<paramref name="f"/>.</summary>
    public static Block Jump(int code, uint k, Block t, Block f, params Stmt[] stmts)
    {
        var b = new Block(S(Opcodes.Jmp | code, k)) { True = t, False = f };
        b.Stmts.AddRange(stmts);
        return b;
    }

    public static Stmt LdB(uint k) => S(Opcodes.Ld | Opcodes.Abs | Opcodes.B, k);

    public static Stmt LdH(uint k) => S(Opcodes.Ld | Opcodes.Abs | Opcodes.H, k);

    public static Stmt LdI(uint k) => S(Opcodes.Ld | Opcodes.Imm, k);

    public static Stmt Alu(int op, uint k) => S(Opcodes.Alu | op | Opcodes.K, k);

    public static Stmt AluX(int op) => S(Opcodes.Alu | op | Opcodes.X);

    /// <summary>The reachable blocks, depth first.</summary>
    public static List<Block> Reachable(Block root)
    {
        var seen = new HashSet<Block>();
        var order = new List<Block>();
        var stack = new Stack<Block>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var b = stack.Pop();
            if (!seen.Add(b))
                continue;
            order.Add(b);
            if (b.False != null)
                stack.Push(b.False);
            if (b.True != null)
                stack.Push(b.True);
        }
        return order;
    }

    /// <summary>Total statements plus branches of the reachable blocks (the linear program's length without long jumps).</summary>
    public static int InstructionCount(Block root) => Reachable(root).Sum(b => b.Stmts.Count(s => s.Code != Stmt.Nop) + 1);

    public static Block Clone(Block root)
    {
        var map = new Dictionary<Block, Block>();
        foreach (var b in Reachable(root))
        {
            var c = new Block(S(b.Branch.Code, b.Branch.K)) { Id = b.Id };
            c.Stmts.AddRange(b.Stmts.Select(s => S(s.Code, s.K)));
            map[b] = c;
        }
        foreach (var (b, c) in map)
        {
            c.True = b.True == null ? null : map[b.True];
            c.False = b.False == null ? null : map[b.False];
        }
        return map[root];
    }

    /// <summary>A readable listing of the reachable blocks (for failure messages).</summary>
    public static string Dump(Block root)
    {
        var blocks = Reachable(root);
        var names = blocks.Select((b, i) => (b, i)).ToDictionary(t => t.b, t => $"B{t.i}");
        var sb = new System.Text.StringBuilder();
        foreach (var b in blocks)
        {
            sb.Append(names[b]).Append(':');
            foreach (var s in b.Stmts)
                sb.Append(' ').Append(s);
            sb.Append(" | ").Append(b.Branch);
            if (b.True != null)
                sb.Append($" -> {names[b.True]} / {names[b.False!]}");
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
