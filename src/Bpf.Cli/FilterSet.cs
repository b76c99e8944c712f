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
    private readonly CompilerOptions _options;
    private readonly FilterEngine _engine;
    // One compile per key, whichever thread (a preparing one, or the first to need it) gets there first;
    // a compile error is kept and rethrown to every caller.
    private readonly Dictionary<(LinkType, int, bool), Lazy<Runnable>> _compiled = [];
    // Files rarely mix link types: skip the lock and the dictionary for the same key again.
    private volatile Compiled? _last;

    private sealed record Compiled((LinkType, int, bool) Key, Runnable Filter);

    /// <summary>One program on the chosen engine, per packet and per batch.</summary>
    private sealed record Runnable(BpfFilterDelegate Single, BpfBatchFilter Batch);

    private FilterSet(string? expression, BpfProgram? program, CompilerOptions options, FilterEngine engine)
    {
        _expression = expression;
        _program = program;
        _options = options;
        _engine = engine;
    }

    /// <summary>
    /// A filter compiled from <paramref name="expression"/> for each link type met, as
    /// <c>tcpdump -r</c> compiles it: for the open savefile (its link type, snaplen and byte
    /// order) with netmask 0, in the chosen libpcap's language.
    /// </summary>
    public static FilterSet FromExpression(string expression, FilterEngine engine, bool optimize = true,
        LibpcapCompatibility compatibility = LibpcapCompatibility.Head) =>
        new(expression, null, SavefileOptions(optimize, compatibility, swapped: false), engine);

    /// <summary>The options <c>tcpdump -r</c>'s pcap_compile gets: a savefile, netmask 0.</summary>
    public static CompilerOptions SavefileOptions(bool optimize, LibpcapCompatibility compatibility, bool swapped) => new()
    {
        Optimize = optimize,
        Compatibility = compatibility,
        Savefile = true,
        SavefileSwapped = swapped,
        Netmask = 0,
    };

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
        return new(null, program, CompilerOptions.Default, engine);
    }

    /// <summary>The program for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfProgram ProgramFor(LinkType linkType, int snaplen, bool swapped = false) =>
        _program ?? FilterCompiler.Compile(_expression!, linkType, snaplen, _options with { SavefileSwapped = swapped });

    /// <summary>
    /// Starts compiling for a link type and snaplen on the thread pool, so the compiler's first-use
    /// cost overlaps with opening and reading the input; <see cref="For"/> then waits for it (or
    /// compiles itself if the pool has not got to it yet).
    /// </summary>
    public void Prepare(LinkType linkType, int snaplen, bool swapped = false)
    {
        if (_program is null)
        {
            var compile = Entry((linkType, snaplen, swapped));
            Task.Run(() => compile.Value);
        }
    }

    /// <summary>The runnable filter for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfFilterDelegate For(LinkType linkType, int snaplen, bool swapped = false) => Get(linkType, snaplen, swapped).Single;

    /// <summary>The batch entry of the filter for a link type and snaplen (compiled on first use).</summary>
    /// <exception cref="Bpf.Compiler.FilterCompileException">The expression does not compile for that link type.</exception>
    public BpfBatchFilter BatchFor(LinkType linkType, int snaplen, bool swapped = false) => Get(linkType, snaplen, swapped).Batch;

    private Runnable Get(LinkType linkType, int snaplen, bool swapped)
    {
        var key = _program is null ? (linkType, snaplen, swapped) : default;
        var last = _last;
        if (last is not null && last.Key == key)
            return last.Filter;
        var filter = Entry(key).Value;
        _last = new Compiled(key, filter);
        return filter;
    }

    private Lazy<Runnable> Entry((LinkType LinkType, int Snaplen, bool Swapped) key)
    {
        lock (_compiled)
        {
            if (!_compiled.TryGetValue(key, out var entry))
                _compiled[key] = entry = new Lazy<Runnable>(() =>
                {
                    var program = ProgramFor(key.LinkType, key.Snaplen, key.Swapped);
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
