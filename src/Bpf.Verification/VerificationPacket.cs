using System.Collections.Immutable;

namespace Bpf.Verification;

/// <summary>
/// A packet the solver built: the captured bytes, the wire length and, for programs with Linux
/// ancillary loads, the metadata values they read (keyed by absolute load offset).
/// </summary>
/// <param name="Data">The captured bytes (the captured length is their count).</param>
/// <param name="WireLength">The packet's length on the wire (at least <c>Data.Length</c>).</param>
/// <param name="Ancillary">Ancillary load offset to the value the kernel would load; empty when no program reads one.</param>
public sealed record VerificationPacket(ImmutableArray<byte> Data, uint WireLength, ImmutableDictionary<uint, uint> Ancillary)
{
    /// <summary>The captured bytes in lowercase hex, no spaces (empty for a zero-length capture).</summary>
    public string Hex => Convert.ToHexStringLower(Data.AsSpan());

    /// <summary><c>packet HEX wirelen N</c>, the line the <c>bpf equiv</c> and <c>bpf witness</c> commands print.</summary>
    public override string ToString() => $"packet {Hex} wirelen {WireLength}";
}

/// <summary>The answer to an equivalence question.</summary>
public enum EquivalenceVerdict
{
    /// <summary>Proved: every packet gets the same return value from both programs.</summary>
    Equivalent,
    /// <summary>A packet (in <see cref="EquivalenceResult.Packet"/>) gets different return values.</summary>
    Different,
    /// <summary>The solver gave up within the time limit.</summary>
    Unknown,
}

/// <summary>The outcome of <see cref="BpfVerifier.CheckEquivalence"/>.</summary>
/// <param name="Verdict">Equivalent, different or unknown.</param>
/// <param name="Packet">For <see cref="EquivalenceVerdict.Different"/>: a packet of the shortest captured length the solver found, confirmed in the interpreter.</param>
/// <param name="ResultA">The first program's return value on <paramref name="Packet"/>, as the interpreter computed it.</param>
/// <param name="ResultB">The second program's return value on <paramref name="Packet"/>.</param>
/// <param name="Elapsed">Wall time of the whole question, solver included.</param>
public sealed record EquivalenceResult(EquivalenceVerdict Verdict, VerificationPacket? Packet, uint ResultA, uint ResultB, TimeSpan Elapsed);

/// <summary>One packet a witness search found, with the program's return value on it.</summary>
public sealed record Witness(VerificationPacket Packet, uint Result);

/// <summary>The outcome of <see cref="BpfVerifier.FindPackets"/>.</summary>
/// <param name="Packets">Distinct packets (by captured bytes and ancillary values), each confirmed in the interpreter.</param>
/// <param name="Exhausted">True when the solver proved no further packet exists (no packet at all when <paramref name="Packets"/> is empty).</param>
/// <param name="TimedOut">True when the solver gave up before finding as many as asked.</param>
/// <param name="Elapsed">Wall time of the whole search.</param>
public sealed record WitnessResult(IReadOnlyList<Witness> Packets, bool Exhausted, bool TimedOut, TimeSpan Elapsed);
