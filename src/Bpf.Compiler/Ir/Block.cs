using Bpf.Vm;

namespace Bpf.Compiler.Ir;

/// <summary>
/// A basic block of the control-flow graph between code generation and emission, libpcap's
/// <c>struct block</c>: straight-line <see cref="Stmts"/>, then one <see cref="Branch"/> that is either
/// a conditional jump (to <see cref="True"/> / <see cref="False"/>) or a return (no successors).
/// </summary>
internal sealed class Block
{
    /// <summary>Creates a block ending in <paramref name="branch"/>.</summary>
    public Block(Stmt branch)
    {
        Branch = branch;
        Stmts = [];
    }

    /// <summary>Creates a block of <paramref name="stmts"/> (the list itself, not a copy) ending in <paramref name="branch"/>.</summary>
    public Block(Stmt branch, List<Stmt> stmts)
    {
        Branch = branch;
        Stmts = stmts;
    }

    /// <summary>Makes this block what <see cref="Block(Stmt, List{Stmt})"/> makes (a code generator's arena reuses it).</summary>
    public void Reinitialize(Stmt branch, List<Stmt> stmts)
    {
        Id = 0;
        Stmts = stmts;
        Branch = branch;
        True = null;
        False = null;
        Sense = false;
        Head = null;
        Meaning = default;
        WalkMark = 0;
    }

    /// <summary>A number unique within one graph (assigned by whoever numbers the graph).</summary>
    public int Id { get; set; }

    /// <summary>The statements before the branch.</summary>
    /// <remarks>Set by the constructors (an initializer would also run in the one given a list, and allocate a list for nothing).</remarks>
    public List<Stmt> Stmts { get; private set; }

    /// <summary>The final conditional jump (class JMP) or return (class RET).</summary>
    public Stmt Branch { get; set; }

    /// <summary>Successor when the branch condition holds (null for returns).</summary>
    public Block? True { get; set; }

    /// <summary>Successor when it does not (null for returns).</summary>
    public Block? False { get; set; }

    /// <summary>
    /// Code generation's negation flag (libpcap's <c>sense</c>): when set, the meanings of
    /// <see cref="True"/> and <see cref="False"/> are swapped until the graph is finished.
    /// </summary>
    public bool Sense { get; set; }

    /// <summary>
    /// Code generation's head of the test this block ends (libpcap's <c>head</c>): the block where
    /// control enters it (<see cref="CodeGen.Cond.Head"/>); unused after code generation.
    /// </summary>
    public Block? Head { get; set; }

    /// <summary>Code generation's constant value of the test this block ends (<see cref="CodeGen.Cond.Meaning"/>).</summary>
    public CodeGen.CondMeaning Meaning { get; set; }

    /// <summary>
    /// The last walk that visited this block (<see cref="NewWalk"/>): graph walks mark blocks here
    /// instead of keeping a set of the visited ones, which cost more than the walk itself.
    /// </summary>
    public long WalkMark { get; set; }

    private static long s_walks;

    /// <summary>
    /// A mark no block carries yet (unique across threads: a graph may be walked on another thread than
    /// the one that built it). Always positive: a pass may park other data in negative marks.
    /// </summary>
    public static long NewWalk() => Interlocked.Increment(ref s_walks);

    /// <summary>
    /// Depth up to which graph walks recurse (cheaper than an explicit stack: no stores of blocks into a
    /// heap array); a deeper graph is walked again with the stack, from scratch under a new mark.
    /// </summary>
    public const int RecursiveWalkDepth = 200;

    /// <summary>True when the block ends in a return.</summary>
    public bool IsReturn => Opcodes.ClassOf(Branch.Code) == Opcodes.Ret;

    /// <inheritdoc />
    public override string ToString() => $"B{Id}";
}
