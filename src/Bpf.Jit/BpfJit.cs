using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Bpf.Jit.Emit;

using Bpf.Vm;

namespace Bpf.Jit;

/// <summary>
/// Compiles classic BPF programs to IL (through <see cref="DynamicMethod"/>) that the .NET JIT turns
/// into machine code, with exactly the semantics of libpcap's <c>bpf_filter</c>.
/// </summary>
[RequiresDynamicCode("The BPF JIT emits IL at run time; use the interpreter where dynamic code is unavailable.")]
public static class BpfJit
{
    /// <summary>True when emitted IL is compiled to machine code (not interpreted, not AOT-only).</summary>
    public static bool IsSupported => RuntimeFeature.IsDynamicCodeSupported && RuntimeFeature.IsDynamicCodeCompiled;

    /// <summary>
    /// Validates <paramref name="program"/> once and compiles it into a delegate that allocates nothing per
    /// call and returns what <c>bpf_filter</c> returns for the same packet. The .NET JIT turns the IL into
    /// machine code on the first call. Where dynamic code is not compiled (<see cref="IsSupported"/> false)
    /// or the IL cannot be built, the delegate runs the interpreter instead, with the same results.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program is not valid (libpcap's rules, executable opcodes).</exception>
    public static BpfFilterDelegate Compile(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var interpreter = new BpfInterpreter(program);
        if (!IsSupported)
            return interpreter.Run;
        try
        {
            return Emit(program);
        }
        catch (Exception e) when (e is InvalidProgramException or NotSupportedException)
        {
            return interpreter.Run;
        }
    }

    /// <summary>
    /// Validates <paramref name="program"/> once and compiles it into a <see cref="BpfBatchFilter"/>: one
    /// method that loops over a batch of packets with the program inlined and writes each verdict, so a
    /// packet costs the filter and not a call. Falls back to the interpreter's batch entry like
    /// <see cref="Compile"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program is not valid (libpcap's rules, executable opcodes).</exception>
    public static BpfBatchFilter CompileBatch(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var interpreter = new BpfInterpreter(program);
        if (!IsSupported)
            return interpreter.RunBatch;
        try
        {
            var batch = EmitBatch(program);
            // Machine code now: a failure falls back here, and the first batch pays no compile time.
            RuntimeHelpers.PrepareDelegate(batch);
            return batch;
        }
        catch (Exception e) when (e is InvalidProgramException or NotSupportedException)
        {
            return interpreter.RunBatch;
        }
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
        IlFilterEmitter.EmitBatch([.. program.Instructions], method.GetILGenerator());
        return method.CreateDelegate<BpfBatchFilter>(program);
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
}
