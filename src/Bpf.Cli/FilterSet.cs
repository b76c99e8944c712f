using Bpf.Compiler;
using Bpf.Jit;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>Which engine runs the filters.</summary>
internal enum FilterEngine
{
    /// <summary>The interpreter (<c>BpfInterpreter</c>).</summary>
    Interpreter,
    /// <summary>The IL JIT, falling back to the interpreter where dynamic code is unavailable.</summary>
    Jit,
}

/// <summary>
/// One filter, ready to run on packets of any link type: an expression is compiled once per
/// (link type, snaplen) met in the input, a ready program is used as is. Safe to share between
/// threads: the first to meet a new key compiles while others meeting it wait.
/// </summary>
internal sealed class FilterSet
{
    private readonly string? _expression;
    private readonly BpfProgram? _program;
    private readonly bool _optimize;
    private readonly FilterEngine _engine;
    // One compile per key, whichever thread (a preparing one, or the first to need it) gets there first;
    // a compile error is kept and rethrown to every caller.
    private readonly Dictionary<(LinkType, int), Lazy<Runnable>> _compiled = [];
    // Files rarely mix link types: skip the lock and the dictionary for the same key again.
    private volatile Compiled? _last;

    private sealed record Compiled((LinkType, int) Key, Runnable Filter);

    /// <summary>One program on the chosen engine, per packet and per batch.</summary>
    private sealed record Runnable(BpfFilterDelegate Single, BpfBatchFilter Batch);

    private FilterSet(string? expression, BpfProgram? program, bool optimize, FilterEngine engine)
    {
        _expression = expression;
        _program = program;
        _optimize = optimize;
        _engine = engine;
    }

    /// <summary>A filter compiled from <paramref name="expression"/> for each link type met.</summary>
    public static FilterSet FromExpression(string expression, FilterEngine engine, bool optimize = true) =>
        new(expression, null, optimize, engine);

    /// <summary>A ready program, run on every packet whatever its link type.</summary>
    /// <exception cref="InputException">The program is not valid.</exception>
    public static FilterSet FromProgram(BpfProgram program, FilterEngine engine)
    {
        var result = BpfValidator.Validate(program, ValidationProfile.Libpcap);
        if (!result.IsValid)
        {
            var first = result.Diagnostics[0];
            throw new InputException($"invalid program: instruction {first.InstructionIndex}: {first.Message}");
        }
        return new(null, program, optimize: false, engine);
    }

    /// <summary>The program for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfProgram ProgramFor(LinkType linkType, int snaplen) =>
        _program ?? FilterCompiler.Compile(_expression!, linkType, snaplen, new CompilerOptions { Optimize = _optimize });

    /// <summary>
    /// Starts compiling for a link type and snaplen on the thread pool, so the compiler's first-use
    /// cost overlaps with opening and reading the input; <see cref="For"/> then waits for it (or
    /// compiles itself if the pool has not got to it yet).
    /// </summary>
    public void Prepare(LinkType linkType, int snaplen)
    {
        if (_program is null)
        {
            var compile = Entry((linkType, snaplen));
            Task.Run(() => compile.Value);
        }
    }

    /// <summary>The runnable filter for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfFilterDelegate For(LinkType linkType, int snaplen) => Get(linkType, snaplen).Single;

    /// <summary>The batch entry of the filter for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfBatchFilter BatchFor(LinkType linkType, int snaplen) => Get(linkType, snaplen).Batch;

    private Runnable Get(LinkType linkType, int snaplen)
    {
        var key = _program is null ? (linkType, snaplen) : default;
        var last = _last;
        if (last is not null && last.Key == key)
            return last.Filter;
        var filter = Entry(key).Value;
        _last = new Compiled(key, filter);
        return filter;
    }

    private Lazy<Runnable> Entry((LinkType LinkType, int Snaplen) key)
    {
        lock (_compiled)
        {
            if (!_compiled.TryGetValue(key, out var entry))
                _compiled[key] = entry = new Lazy<Runnable>(() =>
                {
                    var program = ProgramFor(key.LinkType, key.Snaplen);
                    return new Runnable(CreateEngine(program, _engine), CreateBatchEngine(program, _engine));
                });
            return entry;
        }
    }

    /// <summary>Runs <paramref name="program"/> on the chosen engine (the JIT falls back to the interpreter by itself).</summary>
    public static BpfFilterDelegate CreateEngine(BpfProgram program, FilterEngine engine) =>
        engine == FilterEngine.Jit ? BpfJit.Compile(program) : new BpfInterpreter(program).Run;

    /// <summary>The batch entry of <paramref name="program"/> on the chosen engine.</summary>
    public static BpfBatchFilter CreateBatchEngine(BpfProgram program, FilterEngine engine) =>
        engine == FilterEngine.Jit ? BpfJit.CompileBatch(program) : new BpfInterpreter(program).RunBatch;
}
