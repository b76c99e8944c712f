using Bpf.Compiler.Ir;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// The blocks, statements and statement lists of a thread's compiles, handed out again by the next
/// compile: the graph of a <see cref="FilterCompiler"/> compile dies with it (the program is copied out
/// as instructions), so its objects can serve the next one instead of being collected.
/// </summary>
/// <remarks>
/// Blocks, statements and their lists were ~90% of the code generator's bytes (2.3 KB per accepted
/// corpus compile): each allocation cost a thread-local lookup, its share of zeroing and of a gen0
/// collection every ~2 MB, and fresh memory in the cache. Only compiles that own their graph to the
/// end use an arena (<see cref="CodeGenerator.TryGenerate"/> with ownsGraph);
/// at most <see cref="MaxKept"/> of each are kept, so one huge expression does not hold its graph.
/// </remarks>
internal sealed class IrArena
{
    /// <summary>How many blocks (and lists; four times as many statements) are kept for reuse.</summary>
    public const int MaxKept = 1024;

    // Lists that grew beyond this are replaced rather than kept at their size.
    private const int MaxListCapacity = 64;

    private readonly List<Block> _blocks = [];
    private readonly List<Stmt> _stmts = [];
    private readonly List<List<Stmt>> _lists = [];
    private int _block;
    private int _stmt;
    private int _list;

    /// <summary>Makes every kept object available again: the previous graph must be dead.</summary>
    public void Reset() => (_block, _stmt, _list) = (0, 0, 0);

    /// <summary>A statement <c>code k</c>.</summary>
    public Stmt Stmt(ushort code, uint k)
    {
        if (_stmt < _stmts.Count)
        {
            var s = _stmts[_stmt++];
            s.Code = code;
            s.K = k;
            return s;
        }
        var fresh = new Stmt(code, k);
        if (_stmts.Count < 4 * MaxKept)
        {
            _stmts.Add(fresh);
            _stmt++;
        }
        return fresh;
    }

    /// <summary>An empty statement list.</summary>
    public List<Stmt> List()
    {
        if (_list < _lists.Count)
        {
            var kept = _lists[_list];
            if (kept.Capacity <= MaxListCapacity)
            {
                _list++;
                kept.Clear();
                return kept;
            }
            _lists[_list++] = kept = new List<Stmt>(2);
            return kept;
        }
        var fresh = new List<Stmt>(2);
        if (_lists.Count < MaxKept)
        {
            _lists.Add(fresh);
            _list++;
        }
        return fresh;
    }

    /// <summary>A block of <paramref name="stmts"/> ending in <paramref name="branch"/>, as a new one is.</summary>
    public Block Block(Stmt branch, List<Stmt> stmts)
    {
        if (_block < _blocks.Count)
        {
            var b = _blocks[_block++];
            b.Reinitialize(branch, stmts);
            return b;
        }
        var fresh = new Block(branch, stmts);
        if (_blocks.Count < MaxKept)
        {
            _blocks.Add(fresh);
            _block++;
        }
        return fresh;
    }
}
