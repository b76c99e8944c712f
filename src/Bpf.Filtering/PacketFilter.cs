using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Bpf.Compiler;
using Bpf.Jit;
using Bpf.Vm;

namespace Bpf.Filtering;

/// <summary>
/// A capture filter ready to run, the type most users want: compile a pcap-filter expression for a
/// link type (or take a program), then ask per packet whether it matches. The program is validated
/// once, here (<see cref="ValidationProfile.Runnable"/>: a program no engine can run is refused before
/// any packet), and runs on the JIT or the interpreter (<see cref="FilterEngine"/>). Running allocates
/// nothing, and one filter may run on several threads at once.
/// </summary>
/// <example>
/// <code>
/// var filter = PacketFilter.Compile("tcp port 80", new PacketFilterOptions { LinkType = LinkType.EN10MB });
/// if (filter.Matches(frame)) { ... }
/// </code>
/// </example>
public sealed class PacketFilter
{
    // Taken from the runner on the first single-packet call: on the JIT, that call compiles the
    // single-packet method, which a caller running only batches never needs.
    private BpfFilterDelegate? _run;

    private PacketFilter(BpfRunner runner, FilterEngine engine)
    {
        Runner = runner;
        Engine = engine;
    }

    private BpfFilterDelegate RunDelegate => _run ??= Runner.AsDelegate();

    /// <summary>The program the filter runs.</summary>
    public BpfProgram Program => Runner.Program;

    /// <summary>
    /// The engine actually running <see cref="Program"/>: <see cref="FilterEngine.Jit"/> or
    /// <see cref="FilterEngine.Interpreter"/> (what <see cref="FilterEngine.Auto"/> chose), never Auto.
    /// </summary>
    public FilterEngine Engine { get; }

    /// <summary>The engine object running the program (the interpreter, or the JIT's code).</summary>
    public BpfRunner Runner { get; }

    /// <summary>Compiles <paramref name="expression"/> like <c>pcap_compile</c> and prepares it to run.</summary>
    /// <param name="expression">A pcap-filter expression, e.g. <c>udp and (port 53 or port 5353)</c>; empty accepts all.</param>
    /// <param name="options">Link type, snapshot length, compiler options and engine (<see cref="PacketFilterOptions.Default"/> when null).</param>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="FilterCompileException">The expression does not compile; the exception carries the kind and position.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The engine is not a <see cref="FilterEngine"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="FilterEngine.Jit"/> was asked for where the JIT cannot run.</exception>
    public static PacketFilter Compile(string expression, PacketFilterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        options ??= PacketFilterOptions.Default;
        CheckEngine(options.Engine);
        return Create(FilterCompiler.Compile(expression, options.LinkType, options.Snaplen, options.Compiler), options.Engine);
    }

    /// <summary>Validates <paramref name="program"/> once and prepares it to run on <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">
    /// No engine can run the program (<see cref="ValidationProfile.Runnable"/>: libpcap's rules, executable
    /// opcodes, no jump to itself); the exception carries the first problem's kind and instruction index.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="FilterEngine"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="FilterEngine.Jit"/> was asked for where the JIT cannot run.</exception>
    public static PacketFilter Create(BpfProgram program, FilterEngine engine = FilterEngine.Auto)
    {
        ArgumentNullException.ThrowIfNull(program);
        CheckEngine(engine);
        return Create(RunnableProgram.Validate(program), engine);
    }

    /// <summary>Prepares a program validated already to run on <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="runnable"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="FilterEngine"/>.</exception>
    /// <exception cref="NotSupportedException"><see cref="FilterEngine.Jit"/> was asked for where the JIT cannot run.</exception>
    public static PacketFilter Create(RunnableProgram runnable, FilterEngine engine = FilterEngine.Auto)
    {
        ArgumentNullException.ThrowIfNull(runnable);
        CheckEngine(engine);
        return engine switch
        {
            FilterEngine.Interpreter => new PacketFilter(new BpfInterpreter(runnable), FilterEngine.Interpreter),
            FilterEngine.Jit when RuntimeFeature.IsDynamicCodeSupported && BpfJit.IsSupported => new PacketFilter(new JitOnUse(runnable, fallBack: false), FilterEngine.Jit),
            FilterEngine.Jit => throw new NotSupportedException("dynamic code is not supported on this runtime: the BPF JIT cannot run"),
            _ => RuntimeFeature.IsDynamicCodeSupported && BpfJit.IsSupported
                ? new PacketFilter(new JitOnUse(runnable, fallBack: true), FilterEngine.Jit)
                : new PacketFilter(new BpfInterpreter(runnable), FilterEngine.Interpreter),
        };
    }

    /// <summary>
    /// Runs the filter over the captured bytes of a packet that was <paramref name="wireLength"/> bytes
    /// on the wire; returns what libpcap's <c>bpf_filter</c> returns (bytes to keep, 0 = reject).
    /// </summary>
    public uint Run(ReadOnlySpan<byte> packet, uint wireLength) => RunDelegate(packet, wireLength);

    /// <summary>True when the filter accepts <paramref name="packet"/>, captured whole (wire length = its length).</summary>
    public bool Matches(ReadOnlySpan<byte> packet) => RunDelegate(packet, (uint)packet.Length) != 0;

    /// <summary>True when the filter accepts a packet captured as <paramref name="packet"/> and <paramref name="wireLength"/> bytes long on the wire.</summary>
    public bool Matches(ReadOnlySpan<byte> packet, uint wireLength) => RunDelegate(packet, wireLength) != 0;

    /// <summary>The filter as a delegate, the cheapest call from a hot loop (the JIT's code itself).</summary>
    public BpfFilterDelegate AsDelegate() => RunDelegate;

    /// <summary>
    /// Runs the filter over every packet of a batch, writing each result to <paramref name="verdicts"/>;
    /// returns how many packets it accepted. On the JIT, one emitted loop with the program inlined (emitted
    /// on the first batch), so a packet costs the filter and not a call.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="packets"/>.</exception>
    public int RunBatch(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts) => Runner.RunBatch(packets, verdicts);

    /// <summary>The batch entry as a delegate (the JIT's emitted batch loop itself).</summary>
    public BpfBatchFilter AsBatchDelegate() => Runner.AsBatchDelegate();

    /// <summary>
    /// The JIT's runner, each method compiled by the .NET JIT when first used: the single-packet one on
    /// the first <see cref="BpfRunner.Run"/> or <see cref="BpfRunner.AsDelegate"/>, the batch loop on the
    /// first batch. A caller that only runs batches (or, like <c>bpf stats</c>, only reads the program to
    /// compile several filters into one method) pays no compile it does not use. The fallback policy,
    /// in one place: with <paramref name="fallBack"/> (<see cref="FilterEngine.Auto"/>), should the
    /// runtime refuse the emitted code (a JIT bug), that method runs on the interpreter instead, same results.
    /// </summary>
    [RequiresDynamicCode("Compiles the program to IL.")]
    private sealed class JitOnUse(RunnableProgram program, bool fallBack) : BpfRunner(program)
    {
        private readonly RunnableProgram _runnable = program;
        private BpfRunner? _single;
        private BpfBatchFilter? _batch;

        private BpfRunner Single => _single ?? LazyInitializer.EnsureInitialized(ref _single, () => Jit(BpfJit.Compile, p => new BpfInterpreter(p)));

        public override uint Run(ReadOnlySpan<byte> packet, uint wireLength) => Single.Run(packet, wireLength);

        public override BpfFilterDelegate AsDelegate() => Single.AsDelegate();

        public override int RunBatch(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts) => AsBatchDelegate()(packets, verdicts);

        public override BpfBatchFilter AsBatchDelegate() =>
            _batch ?? LazyInitializer.EnsureInitialized(ref _batch, () => Jit(BpfJit.CompileBatch, p => new BpfInterpreter(p).AsBatchDelegate()));

        private T Jit<T>(Func<RunnableProgram, T> jit, Func<RunnableProgram, T> interpret)
        {
            try
            {
                return jit(_runnable);
            }
            catch (Exception e) when (fallBack && e is InvalidProgramException or NotSupportedException)
            {
                return interpret(_runnable);
            }
        }
    }

    private static void CheckEngine(FilterEngine engine)
    {
        if (!Enum.IsDefined(engine))
            throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine");
    }
}
