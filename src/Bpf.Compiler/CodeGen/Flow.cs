using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// The backpatching block builder: creating test blocks and combining tests with
/// and/or/not exactly as libpcap does, so the finished graph has libpcap's shape block for block.
/// </summary>
internal static class Flow
{
    /// <summary>
    /// A new block ending in <paramref name="code"/> with operand <paramref name="k"/>, after
    /// <paramref name="stmts"/>: the block takes the list itself (every caller builds a fresh one and
    /// hands it over), as libpcap's new_block takes the slist.
    /// </summary>
    public static Cond NewBlock(CodeGenContext cx, ushort code, uint k = 0, List<Stmt>? stmts = null) =>
        new(cx.NewBlock(cx.NewStmt(code, k), stmts ?? cx.NewList()));

    /// <summary>A conditional jump block (<c>JMP(code)</c>) comparing A with <paramref name="k"/>.</summary>
    public static Cond Jump(CodeGenContext cx, ushort test, uint k, List<Stmt>? stmts = null) =>
        NewBlock(cx, (ushort)(Opcodes.Jmp | test | Opcodes.K), k, stmts);

    /// <summary>A block returning <paramref name="value"/>.</summary>
    public static Block Return(CodeGenContext cx, uint value) => cx.NewBlock(cx.NewStmt(Opcodes.Ret | Opcodes.K, value), cx.NewList());

    /// <summary>Points every exit on the list starting at <paramref name="list"/> at <paramref name="target"/>.</summary>
    public static void Backpatch(Block? list, Block target)
    {
        while (list != null)
        {
            Block? next;
            if (!list.Sense)
            {
                next = list.True;
                list.True = target;
            }
            else
            {
                next = list.False;
                list.False = target;
            }
            list = next;
        }
    }

    /// <summary>Appends the exit list of <paramref name="b1"/> to the end of the one of <paramref name="b0"/>.</summary>
    private static void Merge(Block b0, Block b1)
    {
        var p = b0;
        while (true)
        {
            var next = !p.Sense ? p.True : p.False;
            if (next == null)
                break;
            p = next;
        }
        if (!p.Sense)
            p.True = b1;
        else
            p.False = b1;
    }

    /// <summary>
    /// <c>b0 and b1</c>: b0's true exits go to b1; the result (b1, now headed by b0's head) is false
    /// when either is.
    /// </summary>
    public static Cond And(Cond b0, Cond b1)
    {
        // The head folds Boolean constants: false and X is false, true and X is X.
        if (b0.Meaning == CondMeaning.False)
            return b0;
        if (b1.Meaning == CondMeaning.False)
            return b1;
        if (b0.Meaning == CondMeaning.True)
            return b1;
        if (b1.Meaning == CondMeaning.True)
            return b0;
        Backpatch(b0.Block, b1.Head);
        b0.Block.Sense = !b0.Block.Sense;
        b1.Block.Sense = !b1.Block.Sense;
        Merge(b1.Block, b0.Block);
        b1.Block.Sense = !b1.Block.Sense;
        b1.Head = b0.Head;
        return b1;
    }

    /// <summary><c>b0 or b1</c>: b0's false exits go to b1; the result is b1 headed by b0's head.</summary>
    public static Cond Or(Cond b0, Cond b1)
    {
        // The head folds Boolean constants: false or X is X, true or X is true.
        if (b0.Meaning == CondMeaning.False)
            return b1;
        if (b1.Meaning == CondMeaning.False)
            return b0;
        if (b0.Meaning == CondMeaning.True)
            return b0;
        if (b1.Meaning == CondMeaning.True)
            return b1;
        b0.Block.Sense = !b0.Block.Sense;
        Backpatch(b0.Block, b1.Head);
        b0.Block.Sense = !b0.Block.Sense;
        Merge(b1.Block, b0.Block);
        b1.Head = b0.Head;
        return b1;
    }

    /// <summary><c>not b</c>: swaps the meaning of b's exits.</summary>
    public static Cond Not(Cond b)
    {
        b.Block.Sense = !b.Block.Sense;
        b.Meaning = b.Meaning switch
        {
            CondMeaning.True => CondMeaning.False,
            CondMeaning.False => CondMeaning.True,
            _ => CondMeaning.Uncertain,
        };
        return b;
    }

    /// <summary>
    /// Puts <paramref name="stmts"/> in front of the head block's statements (the head's
    /// sprepend_to_block): a constant test with side effects is no longer foldable.
    /// </summary>
    public static Cond Prepend(List<Stmt> stmts, Cond b)
    {
        if (stmts.Count > 0)
        {
            b.Head.Stmts.InsertRange(0, stmts);
            b.Meaning = CondMeaning.Uncertain;
        }
        return b;
    }

    /// <summary>Ands the optional <paramref name="first"/> in front of <paramref name="b"/>.</summary>
    public static Cond AndOptional(Cond? first, Cond b) => first == null ? b : And(first.Value, b);
}
