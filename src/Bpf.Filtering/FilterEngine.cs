namespace Bpf.Filtering;

/// <summary>Which engine a <see cref="PacketFilter"/> runs its program on.</summary>
public enum FilterEngine
{
    /// <summary>
    /// The JIT where dynamic code is compiled and the JIT builds the program, the interpreter otherwise
    /// (e.g. NativeAOT): the one fallback policy, the default.
    /// </summary>
    Auto,

    /// <summary>The IL JIT (<c>Bpf.Jit.BpfJit</c>), several times faster per packet, at a one-off compile cost; an error where it cannot run.</summary>
    Jit,

    /// <summary>The portable interpreter (<c>Bpf.Vm.BpfInterpreter</c>): works everywhere, no start-up cost.</summary>
    Interpreter,
}
