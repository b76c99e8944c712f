using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Bpf.Compiler;

using Bpf.Vm;

namespace Bpf.Jit;

/// <summary>
/// A capture filter ready to run, the type most users want: compile a pcap-filter expression for a
/// link type (or wrap a program), then ask per packet whether it matches. Runs on the JIT by
/// default, and on the interpreter where dynamic code is not compiled. Running allocates nothing.
/// </summary>
/// <example>
/// <code>
/// var filter = PacketFilter.Compile("tcp port 80", LinkType.EN10MB);
/// if (filter.Matches(frame)) { ... }
/// </code>
/// </example>
public sealed class PacketFilter
{
    private readonly BpfFilterDelegate _run;

    private PacketFilter(BpfProgram program, BpfEngine engine, BpfFilterDelegate run)
    {
        Program = program;
        Engine = engine;
        _run = run;
    }

    /// <summary>The program the filter runs.</summary>
    public BpfProgram Program { get; }

    /// <summary>
    /// The engine actually running <see cref="Program"/>: <see cref="BpfEngine.Interpreter"/> when it was
    /// asked for, or when the JIT was asked for but dynamic code is unavailable or failed.
    /// </summary>
    public BpfEngine Engine { get; }

    /// <summary>Compiles <paramref name="expression"/> like <c>pcap_compile</c> and prepares it to run.</summary>
    /// <param name="expression">A pcap-filter expression, e.g. <c>udp and (port 53 or port 5353)</c>; empty accepts all.</param>
    /// <param name="linkType">The link type of the packets to filter.</param>
    /// <param name="snaplen">What the program returns for accepted packets.</param>
    /// <param name="engine">The engine to run on (JIT by default).</param>
    /// <param name="options">Compiler options (optimization, netmask, VLAN handling).</param>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="FilterCompileException">The expression does not compile; the exception carries the kind and position.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="BpfEngine"/>.</exception>
    public static PacketFilter Compile(string expression, LinkType linkType = LinkType.EN10MB, int snaplen = FilterCompiler.DefaultSnaplen,
        BpfEngine engine = BpfEngine.Jit, CompilerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(expression);
        CheckEngine(engine);
        return Create(FilterCompiler.Compile(expression, linkType, snaplen, options), engine);
    }

    /// <summary>Validates <paramref name="program"/> once and prepares it to run on <paramref name="engine"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    /// <exception cref="BpfValidationException">The program is not valid (libpcap's rules, executable opcodes).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="engine"/> is not a <see cref="BpfEngine"/>.</exception>
    public static PacketFilter Create(BpfProgram program, BpfEngine engine = BpfEngine.Jit)
    {
        ArgumentNullException.ThrowIfNull(program);
        CheckEngine(engine);
        var interpreter = new BpfInterpreter(program);
        if (engine == BpfEngine.Jit && RuntimeFeature.IsDynamicCodeSupported && TryJit(program) is { } jit)
            return new PacketFilter(program, BpfEngine.Jit, jit);
        return new PacketFilter(program, BpfEngine.Interpreter, interpreter.Run);
    }

    /// <summary>
    /// Runs the filter over the captured bytes of a packet that was <paramref name="wireLength"/> bytes
    /// on the wire; returns what libpcap's <c>bpf_filter</c> returns (bytes to keep, 0 = reject).
    /// </summary>
    public uint Run(ReadOnlySpan<byte> packet, uint wireLength) => _run(packet, wireLength);

    /// <summary>True when the filter accepts <paramref name="packet"/>, captured whole (wire length = its length).</summary>
    public bool Matches(ReadOnlySpan<byte> packet) => _run(packet, (uint)packet.Length) != 0;

    /// <summary>True when the filter accepts a packet captured as <paramref name="packet"/> and <paramref name="wireLength"/> bytes long on the wire.</summary>
    public bool Matches(ReadOnlySpan<byte> packet, uint wireLength) => _run(packet, wireLength) != 0;

    // Machine code is generated here rather than on the first packet, so a failure falls back to the
    // interpreter now and the first packet pays no compile time.
    [RequiresDynamicCode("Compiles the program to IL.")]
    private static BpfFilterDelegate? TryJit(BpfProgram program)
    {
        if (!BpfJit.IsSupported)
            return null;
        try
        {
            var jit = BpfJit.Emit(program);
            RuntimeHelpers.PrepareDelegate(jit);
            return jit;
        }
        catch (Exception e) when (e is InvalidProgramException or NotSupportedException)
        {
            return null;
        }
    }

    private static void CheckEngine(BpfEngine engine)
    {
        if (!Enum.IsDefined(engine))
            throw new ArgumentOutOfRangeException(nameof(engine), engine, "unknown engine");
    }
}
