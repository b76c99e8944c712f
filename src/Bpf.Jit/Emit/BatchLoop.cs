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

    /// <summary>
    /// Whether <see cref="Data"/> is set right after the (single) program's first bounds check rather than
    /// at the top of the loop. That check passing means the length is above 0, so the slice has an array
    /// (only a <c>default</c> slice, of length 0, has none) and reaching its bytes needs no null test: a
    /// test and a branch less per packet, which shows on filters that reject most packets at once.
    /// </summary>
    public bool DataAfterEntryCheck { get; set; }

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
        // Plain loops, no LINQ over value tuples: every generic instantiation here would be compiled by
        // the .NET JIT at run time (ReadyToRun has no code for them), on a start-up's critical path.
        var flows = new ValueFlow[programs.Count];
        for (var f = 0; f < programs.Count; f++)
            flows[f] = ValueFlow.Analyze(programs[f], BasicBlock.Split(programs[f]));
        Flows = flows;
        // Per (value, constant) of a jeq, in the order first met: how many programs make it.
        var users = new List<SharedTest>();
        var mine = new List<SharedTest>();
        for (var f = 0; f < programs.Count; f++)
        {
            mine.Clear();
            for (var i = 0; i < programs[f].Length; i++)
                if (flows[f].TestAt(programs[f], i) is { Op: Opcodes.Jeq } test && test.Value.Kind == PacketValueKind.Absolute
                    && (ulong)test.Value.Offset + test.Value.Size <= int.MaxValue && IndexOf(mine, test.Value, test.K) < 0)
                    mine.Add(new SharedTest(test.Value, test.K, 1));
            foreach (var test in mine)
            {
                var at = IndexOf(users, test.Value, test.K);
                if (at < 0)
                    users.Add(test);
                else
                    users[at] = users[at] with { Users = users[at].Users + 1 };
            }
        }
        // The value whose (at most MaxSplitConstants) most shared constants are shared most; ties: the
        // smaller offset, then the value met first.
        uint[]? constants = null;
        var bestValue = PacketValue.None;
        var bestScore = 0;
        for (var v = 0; v < users.Count; v++)
        {
            var value = users[v].Value;
            if (users[v].Users < 2 || FirstShared(users, value) != v)
                continue;
            var (chosen, score) = MostShared(users, value);
            if (score > bestScore || (score == bestScore && value.Offset < bestValue.Offset))
                (constants, bestValue, bestScore) = (chosen, value, score);
        }
        if (constants is null)
            return null;
        long total = 0;
        foreach (var program in programs)
            total += program.Length;
        if (total * (constants.Length + 1) > MaxSplitInstructions)
            return null;
        return new SplitPlan(bestValue, constants, _il.DeclareLocal(typeof(uint)));
    }

    private readonly record struct SharedTest(PacketValue Value, uint K, int Users);

    private static int IndexOf(List<SharedTest> tests, PacketValue value, uint k)
    {
        for (var i = 0; i < tests.Count; i++)
            if (tests[i].Value == value && tests[i].K == k)
                return i;
        return -1;
    }

    // The index of the first test of value shared by two or more programs.
    private static int FirstShared(List<SharedTest> tests, PacketValue value)
    {
        for (var i = 0; i < tests.Count; i++)
            if (tests[i].Users >= 2 && tests[i].Value == value)
                return i;
        return -1;
    }

    // The value's shared constants, most users first (ties: the smaller constant), at most
    // MaxSplitConstants of them, and how many programs make those tests in total.
    private static (uint[] Constants, int Score) MostShared(List<SharedTest> tests, PacketValue value)
    {
        var chosen = new List<uint>();
        var score = 0;
        while (chosen.Count < MaxSplitConstants)
        {
            var pick = -1;
            for (var i = 0; i < tests.Count; i++)
            {
                var t = tests[i];
                if (t.Users < 2 || t.Value != value || chosen.Contains(t.K))
                    continue;
                if (pick < 0 || t.Users > tests[pick].Users || (t.Users == tests[pick].Users && t.K < tests[pick].K))
                    pick = i;
            }
            if (pick < 0)
                break;
            chosen.Add(tests[pick].K);
            score += tests[pick].Users;
        }
        return ([.. chosen], score);
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
