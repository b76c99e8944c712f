namespace Bpf.Vm;

/// <summary>
/// One engine running one <see cref="RunnableProgram"/>: the interpreter (<see cref="BpfInterpreter"/>) or
/// code the JIT emitted. Runs allocate nothing and keep no state between calls, so one runner may run on
/// several threads. Engines take a program already validated and never check it again.
/// </summary>
public abstract class BpfRunner
{
    /// <summary>Prepares to run <paramref name="program"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="program"/> is null.</exception>
    protected BpfRunner(RunnableProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        Program = program.Program;
    }

    /// <summary>The program this runner runs.</summary>
    public BpfProgram Program { get; }

    /// <summary>
    /// Runs the program over the captured bytes <paramref name="packet"/> of a packet that was
    /// <paramref name="wireLength"/> bytes long on the wire, and returns what libpcap's <c>bpf_filter</c>
    /// returns: the number of bytes to keep (0 rejects).
    /// </summary>
    public abstract uint Run(ReadOnlySpan<byte> packet, uint wireLength);

    /// <summary>The cheapest way to call <see cref="Run"/> from a hot loop (the JIT's emitted code itself).</summary>
    public virtual BpfFilterDelegate AsDelegate() => Run;

    /// <summary>
    /// Runs the program over every packet of a batch, writing each result to <paramref name="verdicts"/>
    /// (a <see cref="BpfBatchFilter"/>); returns how many packets it accepted.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="verdicts"/> is shorter than <paramref name="packets"/>.</exception>
    public virtual int RunBatch(ReadOnlySpan<PacketSlice> packets, Span<uint> verdicts)
    {
        BpfBatch.CheckVerdicts(packets.Length, verdicts.Length);
        var accepted = 0;
        for (var i = 0; i < packets.Length; i++)
        {
            ref readonly var packet = ref packets[i];
            var verdict = Run(packet.Data, packet.WireLength);
            verdicts[i] = verdict;
            accepted += verdict != 0 ? 1 : 0;
        }
        return accepted;
    }

    /// <summary>The cheapest way to call <see cref="RunBatch"/> (the JIT's emitted batch loop itself).</summary>
    public virtual BpfBatchFilter AsBatchDelegate() => RunBatch;
}
