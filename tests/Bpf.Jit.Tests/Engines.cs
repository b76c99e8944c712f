using Bpf.Jit;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Jit.Tests;

/// <summary>The engines one case table runs against (the oracle, libpcap's C bpf_filter, included).</summary>
public enum Engine
{
    /// <summary>libpcap's <c>bpf_filter</c> through P/Invoke.</summary>
    Libpcap,
    /// <summary>Our IL JIT (<see cref="BpfJit"/>).</summary>
    Jit,
    /// <summary>Our interpreter (<see cref="BpfInterpreter"/>).</summary>
    Interpreter,
}

internal static class Engines
{
    /// <summary>Every engine that can run here (libpcap only when installed).</summary>
    public static IEnumerable<Engine> Available =>
        Enum.GetValues<Engine>().Where(engine => engine != Engine.Libpcap || Libpcap.IsAvailable);

    /// <summary>Prepares <paramref name="program"/> for repeated runs on one engine.</summary>
    public static BpfFilterDelegate Prepare(Engine engine, Instruction[] program) => engine switch
    {
        Engine.Libpcap => (packet, wireLength) => Libpcap.Filter(program, packet, wireLength),
        Engine.Interpreter => new BpfInterpreter(new BpfProgram(program)).Run,
        _ => BpfJit.Compile(new BpfProgram(program)),
    };

    /// <summary>Runs <paramref name="program"/> once on one engine.</summary>
    public static uint Run(Engine engine, Instruction[] program, byte[] packet, uint wireLength) =>
        Prepare(engine, program)(packet, wireLength);
}
