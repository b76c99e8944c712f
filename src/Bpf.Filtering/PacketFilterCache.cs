using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Filtering;

/// <summary>
/// One filter for packets of any link type, for inputs that mix them (pcapng interfaces, several files):
/// an expression is compiled once per (link type, snapshot length, byte order) met, a program is used as is
/// for every packet. With <see cref="CompilerOptions.Savefile"/> (as <c>tcpdump -r</c> compiles) each file's
/// byte order is part of the key, since libpcap's programs for some link types depend on it. Safe to share
/// between threads: the first to meet a new key compiles while others meeting it wait, and an expression
/// that does not compile for a key fails the same way for every caller.
/// </summary>
public sealed class PacketFilterCache
{
    private readonly Func<LinkType, string?>? _expressionFor;
    private readonly CompilerOptions _options;
    private readonly FilterEngine _engine;
    private readonly Entry? _program;
    private readonly Dictionary<(LinkType, int, bool), Lazy<Entry>> _compiled = [];
    // Inputs rarely mix link types: skip the lock and the dictionary for the key met last.
    private volatile Keyed? _last;

    private sealed record Entry(PacketFilter? Filter, ExceptionDispatchInfo? Error, string? Missing);

    private sealed record Keyed((LinkType, int, bool) Key, Entry Entry);

    /// <summary>A filter compiled from <paramref name="expression"/> for each link type and snapshot length met.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="FilterEngine"/>.</exception>
    public PacketFilterCache(string expression, CompilerOptions? options = null, FilterEngine engine = FilterEngine.Auto)
        : this(ExpressionFor(expression), options, engine)
    {
    }

    /// <summary>
    /// A filter compiled, for each link type and snapshot length met, from the expression
    /// <paramref name="expressionFor"/> gives for the link type (null: no filter for that link type).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="expressionFor"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="FilterEngine"/>.</exception>
    public PacketFilterCache(Func<LinkType, string?> expressionFor, CompilerOptions? options = null, FilterEngine engine = FilterEngine.Auto)
    {
        ArgumentNullException.ThrowIfNull(expressionFor);
        if (!Enum.IsDefined(engine))
            throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine");
        _expressionFor = expressionFor;
        _options = options ?? CompilerOptions.Default;
        _engine = engine;
    }

    /// <summary>A ready program, validated now and run on every packet whatever its link type.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">No engine can run the program.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="FilterEngine"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="FilterEngine.Jit"/> was asked for where the JIT cannot run.</exception>
    public PacketFilterCache(BpfProgram program, FilterEngine engine = FilterEngine.Auto)
    {
        _options = CompilerOptions.Default;
        _engine = engine;
        _program = new Entry(PacketFilter.Create(program, engine), null, null);
    }

    /// <summary>
    /// Starts compiling for a link type and snapshot length on the thread pool, so the compiler's first-use
    /// cost overlaps with opening and reading the input; <see cref="For"/> then waits for it (or compiles
    /// itself if the pool has not got to it yet).
    /// </summary>
    /// <param name="linkType">The input's link type.</param>
    /// <param name="snaplen">The input's snapshot length.</param>
    /// <param name="swapped">
    /// The capture file's byte order differs from this host's (libpcap's <c>pcap_is_swapped</c>); used only
    /// with <see cref="CompilerOptions.Savefile"/>, where it becomes <see cref="CompilerOptions.SavefileSwapped"/>.
    /// </param>
    public void Prepare(LinkType linkType, int snaplen, bool swapped = false)
    {
        if (_program is null)
        {
            var compile = Lookup(Key(linkType, snaplen, swapped));
            Task.Run(() => compile.Value);
        }
    }

    /// <summary>The filter for packets of a link type in an input of a snapshot length (compiled on first use).</summary>
    /// <exception cref="FilterCompileException">The expression does not compile for that link type (the same error every call).</exception>
    /// <exception cref="InvalidOperationException">The expression function gives no expression for the link type.</exception>
    /// <param name="linkType">The input's link type.</param>
    /// <param name="snaplen">The input's snapshot length.</param>
    /// <param name="swapped">The capture file's byte order differs from this host's (see <see cref="Prepare"/>).</param>
    public PacketFilter For(LinkType linkType, int snaplen, bool swapped = false)
    {
        var entry = Get(Key(linkType, snaplen, swapped));
        if (entry.Filter is { } filter)
            return filter;
        entry.Error?.Throw();
        throw new InvalidOperationException(entry.Missing);
    }

    /// <summary>The filter for a link type and snapshot length; false when there is none (no expression for the link type, or it does not compile for it).</summary>
    public bool TryGet(LinkType linkType, int snaplen, [NotNullWhen(true)] out PacketFilter? filter) =>
        TryGet(linkType, snaplen, false, out filter);

    /// <summary>
    /// The filter for a link type, snapshot length and file byte order (see <see cref="Prepare"/>); false when
    /// there is none (no expression for the link type, or it does not compile for it).
    /// </summary>
    public bool TryGet(LinkType linkType, int snaplen, bool swapped, [NotNullWhen(true)] out PacketFilter? filter)
    {
        filter = Get(Key(linkType, snaplen, swapped)).Filter;
        return filter is not null;
    }

    // The byte order only matters to savefile compiles: live and pcap_open_dead keys ignore it.
    private (LinkType, int, bool) Key(LinkType linkType, int snaplen, bool swapped) =>
        (linkType, snaplen, swapped && _options.Savefile);

    private Entry Get((LinkType, int, bool) key)
    {
        if (_program is not null)
            return _program;
        var last = _last;
        if (last is not null && last.Key == key)
            return last.Entry;
        var entry = Lookup(key).Value;
        _last = new Keyed(key, entry);
        return entry;
    }

    private Lazy<Entry> Lookup((LinkType LinkType, int Snaplen, bool Swapped) key)
    {
        lock (_compiled)
        {
            if (!_compiled.TryGetValue(key, out var entry))
                _compiled[key] = entry = new Lazy<Entry>(() => Compile(key.LinkType, key.Snaplen, key.Swapped));
            return entry;
        }
    }

    private Entry Compile(LinkType linkType, int snaplen, bool swapped)
    {
        if (_expressionFor!(linkType) is not { } expression)
            return new Entry(null, null, $"no filter expression for link type {linkType}");
        try
        {
            var compiler = swapped ? _options with { SavefileSwapped = true } : _options;
            var options = new PacketFilterOptions { LinkType = linkType, Snaplen = snaplen, Compiler = compiler, Engine = _engine };
            return new Entry(PacketFilter.Compile(expression, options), null, null);
        }
        catch (FilterCompileException e)
        {
            return new Entry(null, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    private static Func<LinkType, string?> ExpressionFor(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return _ => expression;
    }
}
