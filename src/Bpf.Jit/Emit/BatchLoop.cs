using System.Reflection.Emit;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// What the programs of one emitted batch loop share for the current packet: its slice, bytes and
/// length, A, X and the scratch cells (each program starts them at zero), the row of verdicts, and the
/// test they share most (the ethertype's: <see cref="PlanSplit"/>), made once per packet.
/// </summary>
internal sealed class BatchLoop
{
    private readonly ILGenerator _il;

    public BatchLoop(ILGenerator il, bool readsPacket)
    {
        _il = il;
        A = il.DeclareLocal(typeof(uint));
        X = il.DeclareLocal(typeof(uint));
        Slice = il.DeclareLocal(typeof(PacketSlice).MakeByRefType());
        Row = il.DeclareLocal(typeof(uint).MakeByRefType());
        Index = il.DeclareLocal(typeof(int));
        Accepted = il.DeclareLocal(typeof(int));
        if (readsPacket)
        {
            Length = il.DeclareLocal(typeof(int));
            Data = il.DeclareLocal(typeof(byte).MakeByRefType());
        }
    }

    public LocalBuilder A { get; }

    public LocalBuilder X { get; }

    public LocalBuilder?[] Memory { get; } = new LocalBuilder?[Opcodes.MemWords];

    /// <summary>A reference to the current packet's <see cref="PacketSlice"/>.</summary>
    public LocalBuilder Slice { get; }

    /// <summary>The captured length (when a program reads the packet).</summary>
    public LocalBuilder? Length { get; }

    /// <summary>A reference to the first captured byte (when a program reads the packet).</summary>
    public LocalBuilder? Data { get; }

    /// <summary>A reference to the current packet's first verdict.</summary>
    public LocalBuilder Row { get; }

    public LocalBuilder Index { get; }

    /// <summary>How many verdicts so far were non-zero.</summary>
    public LocalBuilder Accepted { get; }

    /// <summary>Per program: which packet value A and X hold before each instruction (set by <see cref="PlanSplit"/>).</summary>
    public ValueFlow[] Flows { get; private set; } = [];

    // Every program's code is emitted once per case of the split: bound the copies' total size so the
    // .NET JIT's time (and the method's size) stays small; over it, no split.
    private const int MaxSplitInstructions = 4096;

    // At most this many tested constants get a case of their own (the ethertype: IPv4, IPv6, ARP).
    private const int MaxSplitConstants = 3;

    /// <summary>
    /// Chooses the test the programs share most (in stats' filters, the ethertype's <c>jeq #0x800</c>
    /// and <c>jeq #0x86dd</c>): the packet value two or more programs compare for equality with the same
    /// constants. The batch loop reads that value once per packet and branches once on it, to one copy
    /// of all the programs per constant (where every test of the value is decided: the IPv4 copy has no
    /// IPv6 code left) and one for the other values (where the equalities with those constants are
    /// false). Null when no test is shared, or the copies would be too big.
    /// </summary>
    public SplitPlan? PlanSplit(IReadOnlyList<Instruction[]> programs)
    {
        Flows = [.. programs.Select(p => ValueFlow.Analyze(p, BasicBlock.Split(p)))];
        // Per (value, constant) of a jeq: how many programs make it.
        var users = new Dictionary<(PacketValue Value, uint K), int>();
        for (var f = 0; f < programs.Count; f++)
        {
            var tests = new HashSet<(PacketValue, uint)>();
            for (var i = 0; i < programs[f].Length; i++)
                if (Flows[f].TestAt(programs[f], i) is { Op: Opcodes.Jeq } test && test.Value.Kind == PacketValueKind.Absolute
                    && (ulong)test.Value.Offset + test.Value.Size <= int.MaxValue)
                    tests.Add((test.Value, test.K));
            foreach (var test in tests)
                users[test] = users.GetValueOrDefault(test) + 1;
        }
        var best = users.Where(u => u.Value >= 2)
            .GroupBy(u => u.Key.Value)
            .Select(g => (Value: g.Key, Tests: g.OrderByDescending(u => u.Value).ThenBy(u => u.Key.K).Take(MaxSplitConstants).ToList()))
            .OrderByDescending(g => g.Tests.Sum(u => u.Value)).ThenBy(g => g.Value.Offset)
            .FirstOrDefault();
        if (best.Tests is null)
            return null;
        var constants = best.Tests.Select(u => u.Key.K).ToArray();
        if ((long)programs.Sum(p => p.Length) * (constants.Length + 1) > MaxSplitInstructions)
            return null;
        return new SplitPlan(best.Value, constants, _il.DeclareLocal(typeof(uint)));
    }

    /// <summary>
    /// Reads the split's value and branches to the case of its constant, or to the last case for any
    /// other value. A packet too short for the value goes to the last case too: no program can reach a
    /// test of the value then (its own bounds check of the load fails first), so what that case
    /// assumes is never used for it.
    /// </summary>
    public void EmitSplit(SplitPlan split, Label[] cases)
    {
        var value = split.Value;
        _il.Emit(OpCodes.Ldloc, Length!);
        _il.Emit(OpCodes.Ldc_I4, (int)(value.Offset + value.Size));
        _il.Emit(OpCodes.Blt, cases[^1]);
        IlFilterEmitter.EmitReadAt(_il, Data!, value.Offset, value.Size);
        _il.Emit(OpCodes.Stloc, split.Local);
        for (var c = 0; c < split.Constants.Length; c++)
        {
            _il.Emit(OpCodes.Ldloc, split.Local);
            _il.Emit(OpCodes.Ldc_I4, unchecked((int)split.Constants[c]));
            _il.Emit(OpCodes.Beq, cases[c]);
        }
        _il.Emit(OpCodes.Br, cases[^1]);
    }
}

/// <summary>
/// The packet value a batch loop branches on once per packet (<see cref="BatchLoop.PlanSplit"/>), the
/// constants with a case of their own, and the local holding the value.
/// </summary>
internal sealed record SplitPlan(PacketValue Value, uint[] Constants, LocalBuilder Local);

/// <summary>
/// What one copy of the programs knows about the split's value: that it equals <see cref="Exact"/>, or
/// (when <see cref="Exact"/> is null) that it equals none of the split's constants.
/// </summary>
internal sealed record SplitCase(SplitPlan Split, uint? Exact)
{
    /// <summary>The outcome of <paramref name="test"/> in this case, when known.</summary>
    public bool? Outcome(PacketTest test)
    {
        if (test.Value != Split.Value)
            return null;
        if (Exact is { } v)
            return test.Op switch
            {
                Opcodes.Jeq => v == test.K,
                Opcodes.Jgt => v > test.K,
                Opcodes.Jge => v >= test.K,
                _ => (v & test.K) != 0,
            };
        return test.Op == Opcodes.Jeq && Array.IndexOf(Split.Constants, test.K) >= 0 ? false : null;
    }
}
