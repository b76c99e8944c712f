using System.Diagnostics.CodeAnalysis;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using Bpf.Jit.Emit;

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
    /// Validates <paramref name="program"/> once and compiles it into a delegate. The delegate allocates
    /// nothing per call and returns what <c>bpf_filter</c> returns for the same packet.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program is not valid (libpcap's rules, executable opcodes).</exception>
    /// <exception cref="PlatformNotSupportedException">Dynamic code is not compiled on this runtime
    /// (<see cref="IsSupported"/> is false).</exception>
    public static BpfFilterDelegate Compile(BpfProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        ProgramChecks.Validate(program);
        if (!IsSupported)
            throw new PlatformNotSupportedException("dynamic code is not compiled on this runtime");
        return Emit(program);
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
