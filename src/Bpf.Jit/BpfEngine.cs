using Bpf.Vm;

namespace Bpf.Jit;

/// <summary>How a <see cref="PacketFilter"/> runs its program.</summary>
public enum BpfEngine
{
    /// <summary>The portable interpreter (<c>BpfInterpreter</c>): works everywhere, no start-up cost.</summary>
    Interpreter,

    /// <summary>
    /// The IL JIT (<see cref="BpfJit"/>): several times faster per packet, at a one-off compile cost.
    /// Falls back to the interpreter where dynamic code is not compiled (e.g. NativeAOT).
    /// </summary>
    Jit,
}
