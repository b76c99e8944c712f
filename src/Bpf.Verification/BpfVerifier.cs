using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Bpf.Verification.Encoding;
using Bpf.Verification.Smt;
using Bpf.Vm;
using static Bpf.Verification.Smt.SmtText;

namespace Bpf.Verification;

/// <summary>
/// Decides questions about classic BPF programs with an SMT solver: are two programs equivalent
/// (same return value on every packet), and which packets does a program accept or reject. Programs
/// become formulas over the packet bytes, the captured length and the wire length with the
/// interpreter's exact semantics (<see cref="ProgramEncoder"/>); every packet the solver proposes is
/// run through <see cref="BpfInterpreter"/> before it is returned. One instance keeps one solver
/// process and answers one question at a time (not thread-safe); dispose it to stop the solver.
/// </summary>
public sealed class BpfVerifier : IDisposable
{
    private readonly VerifierOptions _options;
    private readonly Func<ISmtSolver> _startSolver;
    private ISmtSolver? _solver;

    /// <summary>Creates a verifier; the solver process starts with the first question.</summary>
    public BpfVerifier(VerifierOptions? options = null)
        : this(options ?? VerifierOptions.Default, () => new ProcessSmtSolver((options ?? VerifierOptions.Default).Solver))
    {
    }

    /// <summary>Creates a verifier over any SMT-LIB 2 session <paramref name="startSolver"/> opens.</summary>
    public BpfVerifier(VerifierOptions options, Func<ISmtSolver> startSolver)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(startSolver);
        _options = options;
        _startSolver = startSolver;
    }

    /// <summary>
    /// Proves <paramref name="a"/> and <paramref name="b"/> return the same value on every packet, or
    /// finds a packet (of the shortest captured length the solver can reach in time) on which they differ.
    /// </summary>
    /// <param name="a">The first program.</param>
    /// <param name="b">The second program.</param>
    /// <param name="domain">
    /// Every packet (the default), or only packets on which neither program ends early on a load past
    /// the capture or a division by zero (see <see cref="PacketDomain.InBounds"/>).
    /// </param>
    /// <exception cref="VerificationException">
    /// A program is invalid or loops, the solver is missing or failed, or (a bug) its packet did not
    /// give different results in the interpreter.
    /// </exception>
    public EquivalenceResult CheckEquivalence(BpfProgram a, BpfProgram b, PacketDomain domain = PacketDomain.All)
    {
        var clock = Stopwatch.StartNew();
        var runA = Prepare(a, "A");
        var runB = Prepare(b, "B");
        var encodedA = ProgramEncoder.Encode(a, "a_", _options.Ancillary);
        var encodedB = ProgramEncoder.Encode(b, "b_", _options.Ancillary);
        var solver = Begin(encodedA, encodedB);
        solver.Send($"(assert (distinct {encodedA.Result} {encodedB.Result}))");
        if (domain == PacketDomain.InBounds)
            solver.Send($"(assert (not {encodedA.Faulted}))\n(assert (not {encodedB.Faulted}))");
        var ancillary = encodedA.AncillaryOffsets.Union(encodedB.AncillaryOffsets).Order().ToArray();
        var deadline = clock.Elapsed + _options.Timeout;
        switch (Check(solver, clock, deadline))
        {
            case SatResult.Unsat:
                return new EquivalenceResult(EquivalenceVerdict.Equivalent, null, 0, 0, clock.Elapsed);
            case SatResult.Unknown:
                return new EquivalenceResult(EquivalenceVerdict.Unknown, null, 0, 0, clock.Elapsed);
        }
        if (Shortest(solver, clock, deadline, ancillary) is not { } packet)
            return new EquivalenceResult(EquivalenceVerdict.Unknown, null, 0, 0, clock.Elapsed);
        var resultA = Run(runA, a, packet);
        var resultB = Run(runB, b, packet);
        if (resultA == resultB)
            throw new VerificationException(VerificationErrorKind.UnconfirmedModel,
                $"internal error: the solver's packet {packet} gives {resultA} from both programs in the interpreter");
        return new EquivalenceResult(EquivalenceVerdict.Different, packet, resultA, resultB, clock.Elapsed);
    }

    /// <summary>
    /// Finds up to <paramref name="count"/> distinct packets <paramref name="program"/> accepts (returns
    /// non-zero for) or, with <paramref name="accepted"/> false, rejects; each is as short as the solver
    /// can make it in time and confirmed in the interpreter.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="VerificationException">The program is invalid or loops, or the solver is missing or failed.</exception>
    public WitnessResult FindPackets(BpfProgram program, bool accepted, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var clock = Stopwatch.StartNew();
        var run = Prepare(program, "the program");
        var encoded = ProgramEncoder.Encode(program, "p_", _options.Ancillary);
        var solver = Begin(encoded);
        solver.Send(accepted ? $"(assert (distinct {encoded.Result} #x00000000))" : $"(assert (= {encoded.Result} #x00000000))");
        var ancillary = encoded.AncillaryOffsets.Order().ToArray();
        var deadline = clock.Elapsed + _options.Timeout;
        var found = new List<Witness>();
        while (found.Count < count)
        {
            var answer = Check(solver, clock, deadline);
            if (answer == SatResult.Unsat)
                return new WitnessResult(found, Exhausted: true, TimedOut: false, clock.Elapsed);
            if (answer == SatResult.Unknown || Shortest(solver, clock, deadline, ancillary) is not { } packet)
                return new WitnessResult(found, Exhausted: false, TimedOut: true, clock.Elapsed);
            var result = Run(run, program, packet);
            if ((result != 0) != accepted)
                throw new VerificationException(VerificationErrorKind.UnconfirmedModel,
                    $"internal error: the solver's packet {packet} gives {result} in the interpreter");
            found.Add(new Witness(packet, result));
            solver.Send(Blocking(packet));
        }
        return new WitnessResult(found, Exhausted: false, TimedOut: false, clock.Elapsed);
    }

    // Validates once with the interpreter's own rules; the interpreter is kept to confirm models.
    private static BpfInterpreter? Prepare(BpfProgram program, string which)
    {
        ArgumentNullException.ThrowIfNull(program);
        try
        {
            var interpreter = new BpfInterpreter(program);
            return program.Any(AncillaryInputs.IsAncillaryLoad) ? null : interpreter;
        }
        catch (BpfValidationException e)
        {
            throw new VerificationException(VerificationErrorKind.InvalidProgram, $"{which} is not a valid program: {e.Message}", e);
        }
    }

    private uint Run(BpfInterpreter? interpreter, BpfProgram program, VerificationPacket packet)
    {
        // A program with ancillary loads runs with the model's metadata substituted as constants
        // (the interpreter itself reads those offsets as past the packet, like libpcap).
        interpreter ??= new BpfInterpreter(_options.Ancillary == AncillaryLoads.FreeInputs
            ? AncillaryInputs.Substitute(program, packet.Ancillary)
            : program);
        return interpreter.Run(packet.Data.AsSpan(), packet.WireLength);
    }

    private ISmtSolver Begin(params EncodedProgram[] programs)
    {
        if (_solver is ProcessSmtSolver { HasExited: true })
        {
            _solver.Dispose();
            _solver = null;
        }
        _solver ??= _startSolver();
        var text = new StringBuilder("(reset)\n(set-option :produce-models true)\n(set-logic QF_ABV)\n");
        text.Append(PacketSymbols.Declare(_options.MaxCaptureLength, programs.SelectMany(p => p.AncillaryOffsets).Distinct()));
        foreach (var program in programs)
            text.Append(program.Definitions);
        _solver.Send(text.ToString());
        return _solver;
    }

    private static SatResult Check(ISmtSolver solver, Stopwatch clock, TimeSpan deadline)
    {
        var left = deadline - clock.Elapsed;
        return left <= TimeSpan.Zero ? SatResult.Unknown : solver.CheckSat(left);
    }

    // After a sat answer: binary search for the shortest captured length (each step an incremental
    // check under push/pop), prefer wirelen == caplen, then read the packet. Null when time runs out
    // before a model of the final length could be read again.
    private static VerificationPacket? Shortest(ISmtSolver solver, Stopwatch clock, TimeSpan deadline, uint[] ancillary)
    {
        var hi = (uint)ParseBitVector(solver.GetValues([PacketSymbols.CaptureLength])[0]);
        uint lo = 0;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            solver.Send($"(push 1)\n(assert (bvule {PacketSymbols.CaptureLength} {Word(mid)}))");
            var answer = Check(solver, clock, deadline);
            if (answer == SatResult.Sat)
                hi = (uint)ParseBitVector(solver.GetValues([PacketSymbols.CaptureLength])[0]);
            solver.Send("(pop 1)");
            if (answer == SatResult.Unsat)
                lo = mid + 1;
            else if (answer == SatResult.Unknown)
                break;
        }
        solver.Send($"(push 1)\n(assert (= {PacketSymbols.CaptureLength} {Word(hi)}))\n(push 1)\n(assert (= {PacketSymbols.WireLength} {PacketSymbols.CaptureLength}))");
        var levels = 2;
        var final = Check(solver, clock, deadline + TimeSpan.FromSeconds(1));
        if (final != SatResult.Sat)
        {
            solver.Send("(pop 1)");
            levels = 1;
            final = Check(solver, clock, deadline + TimeSpan.FromSeconds(5));
        }
        VerificationPacket? packet = null;
        if (final == SatResult.Sat)
        {
            var terms = new List<string> { PacketSymbols.WireLength };
            terms.AddRange(ancillary.Select(AncillaryInputs.Name));
            for (uint i = 0; i < hi; i++)
                terms.Add($"(select {PacketSymbols.Packet} {Word(i)})");
            var values = solver.GetValues(terms);
            var data = new byte[hi];
            for (var i = 0; i < data.Length; i++)
                data[i] = (byte)ParseBitVector(values[1 + ancillary.Length + i]);
            var metadata = ImmutableDictionary.CreateBuilder<uint, uint>();
            for (var i = 0; i < ancillary.Length; i++)
                metadata[ancillary[i]] = (uint)ParseBitVector(values[1 + i]);
            packet = new VerificationPacket([.. data], (uint)ParseBitVector(values[0]), metadata.ToImmutable());
        }
        solver.Send($"(pop {levels})");
        return packet;
    }

    // Excludes this packet (its captured bytes and metadata) from further answers.
    private static string Blocking(VerificationPacket packet)
    {
        var text = new StringBuilder("(assert (or (distinct ").Append(PacketSymbols.CaptureLength).Append(' ').Append(Word((uint)packet.Data.Length)).Append(')');
        for (var i = 0; i < packet.Data.Length; i++)
            text.Append(" (distinct (select ").Append(PacketSymbols.Packet).Append(' ').Append(Word((uint)i)).Append(") ").Append(SmtText.Byte(packet.Data[i])).Append(')');
        foreach (var (k, v) in packet.Ancillary)
            text.Append(" (distinct ").Append(AncillaryInputs.Name(k)).Append(' ').Append(Word(v)).Append(')');
        return text.Append("))").ToString();
    }

    /// <summary>Stops the solver process.</summary>
    public void Dispose()
    {
        _solver?.Dispose();
        _solver = null;
    }
}
