using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Bpf.Jit.Emit;

using Bpf.Vm;

namespace Bpf.Jit;

/// <summary>
/// Compiles classic BPF programs to IL (through <see cref="DynamicMethod"/>) that the .NET JIT turns
/// into machine code, with exactly the semantics of libpcap's <c>bpf_filter</c>. It does not fall back
/// to the interpreter by itself: choosing an engine (and falling back) is <c>Bpf.Filtering.PacketFilter</c>'s job.
/// </summary>
[RequiresDynamicCode("The BPF JIT emits IL at run time; use the interpreter where dynamic code is unavailable.")]
public static class BpfJit
{
    /// <summary>True when emitted IL is compiled to machine code (not interpreted, not AOT-only).</summary>
    public static bool IsSupported => RuntimeFeature.IsDynamicCodeSupported && RuntimeFeature.IsDynamicCodeCompiled;

    /// <summary>
    /// Compiles a validated program to machine code now (not on the first packet, so a failure shows
    /// here and the first packet pays no compile time). The runner allocates nothing per call and returns
    /// what <c>bpf_filter</c> returns for the same packet.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="NotSupportedException">Dynamic code is not compiled here (<see cref="IsSupported"/> is false).</exception>
    /// <exception cref="InvalidProgramException">The IL could not be built (a JIT bug: the interpreter still runs the program).</exception>
    public static BpfRunner Compile(RunnableProgram program) => new JitRunner(program, Prepared(program, Emit));

    /// <summary>Validates <paramref name="program"/> (<see cref="ValidationProfile.Runnable"/>) and compiles it like <see cref="Compile(RunnableProgram)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program cannot run (libpcap's rules, executable opcodes, no jump to itself).</exception>
    /// <exception cref="NotSupportedException">Dynamic code is not compiled here.</exception>
    /// <exception cref="InvalidProgramException">The IL could not be built.</exception>
    public static BpfFilterDelegate Compile(BpfProgram program) => Compile(RunnableProgram.Validate(program)).AsDelegate();

    /// <summary>
    /// Validates <paramref name="program"/> (<see cref="ValidationProfile.Runnable"/>) and compiles it into a
    /// <see cref="BpfBatchFilter"/>: one method that loops over a batch of packets with the program inlined and
    /// writes each verdict, so a packet costs the filter and not a call.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program cannot run (libpcap's rules, executable opcodes, no jump to itself).</exception>
    /// <exception cref="NotSupportedException">Dynamic code is not compiled here.</exception>
    /// <exception cref="InvalidProgramException">The IL could not be built.</exception>
    public static BpfBatchFilter CompileBatch(BpfProgram program) => CompileBatch(RunnableProgram.Validate(program));

    /// <summary>
    /// Compiles a validated program into a <see cref="BpfBatchFilter"/> alone, to machine code now: no
    /// single-packet method is made (a caller that only runs batches pays one .NET JIT compile, not two).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="NotSupportedException">Dynamic code is not compiled here.</exception>
    /// <exception cref="InvalidProgramException">The IL could not be built.</exception>
    public static BpfBatchFilter CompileBatch(RunnableProgram program) => Prepared(program, EmitBatch);

    // The checks every public compile makes, then the emitted method compiled to machine code now.
    private static T Prepared<T>(RunnableProgram program, Func<BpfProgram, T> emit)
        where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(program);
        if (!IsSupported)
            throw new NotSupportedException("dynamic code is not compiled on this runtime: the BPF JIT cannot run");
        var method = emit(program.Program);
        RuntimeHelpers.PrepareDelegate(method);
        return method;
    }

    /// <summary>Emits the batch loop of an already validated program.</summary>
    internal static BpfBatchFilter EmitBatch(BpfProgram program)
    {
        var method = new DynamicMethod(
            "bpf_filter_batch_jit",
            typeof(int),
            [typeof(object), typeof(ReadOnlySpan<PacketSlice>), typeof(Span<uint>)],
            typeof(BpfJit).Module,
            skipVisibility: true);
        IlFilterEmitter.EmitBatch([[.. program.Instructions]], method.GetILGenerator());
        return method.CreateDelegate<BpfBatchFilter>(program);
    }

    /// <summary>
    /// Validates <paramref name="programs"/> and compiles them into one <see cref="BpfMultiFilter"/>: a
    /// loop over a batch of packets running every program on each packet. The test the programs share
    /// most (the ethertype's <c>== 0x800</c>, <c>== 0x86dd</c>) is made once per packet, and each outcome
    /// runs its own copy of the programs in which every test of that value is already decided (the IPv4
    /// copy runs no IPv6 code). Verdicts are exactly each program's own. Falls back to the interpreters
    /// where dynamic code is not compiled.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="programs"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">No programs.</exception>
    /// <exception cref="BpfValidationException">A program is not valid (libpcap's rules, executable opcodes).</exception>
    public static BpfMultiFilter CompileMany(IReadOnlyList<BpfProgram> programs)
    {
        ArgumentNullException.ThrowIfNull(programs);
        if (programs.Count == 0)
            throw new ArgumentException("no programs", nameof(programs));
        var interpreters = programs.Select(program => new BpfInterpreter(program ?? throw new ArgumentNullException(nameof(programs)))).ToArray();
        if (!IsSupported)
            return BpfBatch.Combine(interpreters);
        try
        {
            var method = new DynamicMethod(
                "bpf_filter_many_jit",
                typeof(int),
                [typeof(object), typeof(ReadOnlySpan<PacketSlice>), typeof(Span<uint>)],
                typeof(BpfJit).Module,
                skipVisibility: true);
            IlFilterEmitter.EmitBatch([.. programs.Select(p => p.Instructions.ToArray())], method.GetILGenerator());
            var many = method.CreateDelegate<BpfMultiFilter>(programs);
            RuntimeHelpers.PrepareDelegate(many);
            return many;
        }
        catch (Exception e) when (e is InvalidProgramException or NotSupportedException)
        {
            return BpfBatch.Combine(interpreters);
        }
    }

    /// <summary>Emits an already validated program.</summary>
    internal static BpfFilterDelegate Emit(BpfProgram program)
    {
        var method = new DynamicMethod(
            "bpf_filter_jit",
            typeof(uint),
            [typeof(object), typeof(ReadOnlySpan<byte>), typeof(uint)],
            typeof(BpfJit).Module,
            skipVisibility: true);
        IlFilterEmitter.Emit([.. program.Instructions], method.GetILGenerator());
        // Closed over a target: an instance-shaped delegate calls straight into the code, without
        // the argument-shuffling thunk an open static delegate goes through.
        return method.CreateDelegate<BpfFilterDelegate>(program);
    }

    /// <summary>The emitted code as an engine; the batch loop is emitted on first use (not every user filters batches).</summary>
    private sealed class JitRunner(RunnableProgram program, BpfFilterDelegate run) : BpfRunner(program)
    {
        private BpfBatchFilter? _batch;

        public override uint Run(ReadOnlySpan<byte> packet, uint wireLength) => run(packet, wireLength);

        public override BpfFilterDelegate AsDelegate() => run;

        public override int RunBatch(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts) => AsBatchDelegate()(packets, verdicts);

        public override BpfBatchFilter AsBatchDelegate() => LazyInitializer.EnsureInitialized(ref _batch, () =>
        {
            var batch = EmitBatch(Program);
            // Machine code now: the first batch pays no compile time.
            RuntimeHelpers.PrepareDelegate(batch);
            return batch;
        });
    }
}
