using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// Batch mode: one or more programs' bodies inlined, one after the other, in a loop over a batch of
/// packets, with the signature <c>int (object closure, ReadOnlySpan&lt;PacketSlice&gt; packets,
/// Span&lt;uint&gt; verdicts)</c> (<see cref="BpfBatchFilter"/>, or <see cref="BpfMultiFilter"/> for
/// several programs: verdict of filter f for packet i at <c>i * filters + f</c>). Each program starts
/// with A, X and the scratch cells at zero, as a call would; a return stores the verdict and goes on
/// to the next program or packet, so the per-packet cost is the filters, not calls and prologues.
/// The programs share the packet's reference and length, and the test they share most (the ethertype's)
/// is made once per packet, each outcome running its own copy of the programs (see <see cref="BatchLoop.PlanSplit"/>).
/// </summary>
internal sealed partial class IlFilterEmitter
{
    private const int PacketsArg = 1;
    private const int VerdictsArg = 2;

    private static readonly MethodInfo s_packetsLength = typeof(ReadOnlySpan<PacketSlice>).GetProperty(nameof(ReadOnlySpan<PacketSlice>.Length))!.GetMethod!;
    private static readonly MethodInfo s_verdictsLength = typeof(Span<uint>).GetProperty(nameof(Span<uint>.Length))!.GetMethod!;
    private static readonly MethodInfo s_checkVerdicts = typeof(BpfBatch).GetMethod(nameof(BpfBatch.CheckVerdicts), [typeof(int), typeof(int), typeof(int)])!;
    private static readonly MethodInfo s_sliceStart = Helper(typeof(PacketSlice), nameof(PacketSlice.Start));
    private static readonly MethodInfo s_packetsStart = GetReference(typeof(ReadOnlySpan<>)).MakeGenericMethod(typeof(PacketSlice));
    private static readonly MethodInfo s_verdictsStart = GetReference(typeof(Span<>)).MakeGenericMethod(typeof(uint));
    private static readonly FieldInfo s_sliceLength = SliceField("_length");
    private static readonly FieldInfo s_sliceArray = SliceField("_array");
    private static readonly FieldInfo s_sliceOffset = SliceField("_offset");
    private static readonly MethodInfo s_arrayData = typeof(MemoryMarshal).GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Single(m => m.Name == nameof(MemoryMarshal.GetArrayDataReference) && m.IsGenericMethodDefinition && m.GetParameters()[0].ParameterType.IsArray)
        .MakeGenericMethod(typeof(byte));
    private static readonly FieldInfo s_sliceWireLength = SliceField("_wireLength");

    private readonly BatchLoop? _loop;
    private readonly int _filter;
    private readonly SplitCase? _case;
    private Label _done;
    private Label? _reject;

    /// <summary>
    /// Emits <paramref name="programs"/> (already validated) as one batch loop into <paramref name="il"/>;
    /// with one program, a <see cref="BpfBatchFilter"/>, with several a <see cref="BpfMultiFilter"/>.
    /// </summary>
    public static void EmitBatch(IReadOnlyList<Instruction[]> programs, ILGenerator il)
    {
        var loop = new BatchLoop(il, programs.Any(ReadsPacket));
        var count = il.DeclareLocal(typeof(int));
        var packets = il.DeclareLocal(typeof(PacketSlice).MakeByRefType());
        var loopTop = il.DefineLabel();
        var loopCheck = il.DefineLabel();

        il.Emit(OpCodes.Ldarga_S, (byte)PacketsArg);
        il.Emit(OpCodes.Call, s_packetsLength);
        il.Emit(OpCodes.Stloc, count);
        il.Emit(OpCodes.Ldloc, count);
        il.Emit(OpCodes.Ldc_I4, programs.Count);
        il.Emit(OpCodes.Ldarga_S, (byte)VerdictsArg);
        il.Emit(OpCodes.Call, s_verdictsLength);
        il.Emit(OpCodes.Call, s_checkVerdicts);
        il.Emit(OpCodes.Ldarg_S, (byte)PacketsArg);
        il.Emit(OpCodes.Call, s_packetsStart);
        il.Emit(OpCodes.Stloc, packets);
        il.Emit(OpCodes.Ldarg_S, (byte)VerdictsArg);
        il.Emit(OpCodes.Call, s_verdictsStart);
        il.Emit(OpCodes.Stloc, loop.Row);
        il.Emit(OpCodes.Ldloc, packets);
        il.Emit(OpCodes.Stloc, loop.Slice);
        il.Emit(OpCodes.Br, loopCheck);

        // Several programs: the test they share most is made once, and each of its outcomes gets its own
        // copy of the programs (BatchLoop.PlanSplit); without one, a single copy.
        var split = programs.Count > 1 ? loop.PlanSplit(programs) : null;
        SplitCase?[] cases = split is null ? [null] : [.. split.Constants.Select(k => new SplitCase(split, k)), new SplitCase(split, null)];
        var emitters = new IlFilterEmitter[cases.Length, programs.Count];
        for (var c = 0; c < cases.Length; c++)
            for (var f = 0; f < programs.Count; f++)
                emitters[c, f] = new IlFilterEmitter(programs[f], il, loop, f, cases[c]);
        // One program that starts by checking the length: its bytes are found after that check (see
        // BatchLoop.DataAfterEntryCheck), not here.
        loop.DataAfterEntryCheck = programs.Count == 1 && loop.Data is not null && emitters[0, 0].ChecksLengthFirst;

        il.MarkLabel(loopTop);
        if (loop.Data is not null)
        {
            il.Emit(OpCodes.Ldloc, loop.Slice);
            il.Emit(OpCodes.Ldfld, s_sliceLength);
            il.Emit(OpCodes.Stloc, loop.Length!);
            if (!loop.DataAfterEntryCheck)
            {
                il.Emit(OpCodes.Ldloc, loop.Slice);
                il.Emit(OpCodes.Call, s_sliceStart);
                il.Emit(OpCodes.Stloc, loop.Data);
            }
        }
        var labels = cases.Select(_ => il.DefineLabel()).ToArray();
        var next = il.DefineLabel();
        if (split is not null)
            loop.EmitSplit(split, labels);
        for (var c = 0; c < cases.Length; c++)
        {
            il.MarkLabel(labels[c]);
            for (var f = 0; f < programs.Count; f++)
            {
                var done = il.DefineLabel();
                emitters[c, f].EmitInLoop(done);
                il.MarkLabel(done);
            }
            if (c < cases.Length - 1)
                il.Emit(OpCodes.Br, next);
        }
        il.MarkLabel(next);

        // The slice and the row of verdicts move on by one packet's worth.
        il.Emit(OpCodes.Ldloc, loop.Slice);
        il.Emit(OpCodes.Sizeof, typeof(PacketSlice));
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, loop.Slice);
        il.Emit(OpCodes.Ldloc, loop.Row);
        il.Emit(OpCodes.Ldc_I4, sizeof(uint) * programs.Count);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, loop.Row);
        il.Emit(OpCodes.Ldloc, loop.Index);
        il.Emit(OpCodes.Ldc_I4_1);
        il.Emit(OpCodes.Add);
        il.Emit(OpCodes.Stloc, loop.Index);
        il.MarkLabel(loopCheck);
        il.Emit(OpCodes.Ldloc, loop.Index);
        il.Emit(OpCodes.Ldloc, count);
        il.Emit(OpCodes.Blt, loopTop);
        il.Emit(OpCodes.Ldloc, loop.Accepted);
        il.Emit(OpCodes.Ret);
    }

    // One program's body for the current packet; every way out stores its verdict and goes to done.
    private void EmitInLoop(Label done)
    {
        _done = done;
        // Registers start at zero (the .NET JIT drops the stores a program overwrites first).
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Stloc, _a);
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Stloc, _x);
        foreach (var insn in _program)
            if (Opcodes.ClassOf(insn.Code) is Opcodes.St or Opcodes.Stx
                || (Opcodes.ClassOf(insn.Code) is Opcodes.Ld or Opcodes.Ldx && Opcodes.ModeOf(insn.Code) == Opcodes.Mem))
            {
                _il.Emit(OpCodes.Ldc_I4_0);
                _il.Emit(OpCodes.Stloc, Memory(insn.K));
            }
        if (Array.Exists(_program, insn => insn.Code == (Opcodes.Jmp | Opcodes.Ja) && (int)insn.K < 0))
        {
            _backwardJumps = _il.DeclareLocal(typeof(int));
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Stloc, _backwardJumps);
        }

        EmitInstructions();
        EmitReturnLabel(_outOfBounds, BpfSemantics.OutOfBoundsResult);
        EmitReturnLabel(_divisionByZero, BpfSemantics.DivisionByZeroResult);
        EmitReturnLabel(_loopLimit, BpfSemantics.LoopLimitResult);
        if (_reject is { } reject)
        {
            _il.MarkLabel(reject);
            EmitStoreVerdict(() => _il.Emit(OpCodes.Ldc_I4_0));
        }
    }

    // The first block checks length >= k with 0 < k (so a passed check means the slice has bytes).
    private bool ChecksLengthFirst => _bounds.AbsoluteEnd[0] is > 0 and <= int.MaxValue;

    // data = ref slice's array[offset], without PacketSlice.Start's null test: emitted only where a check
    // of length > 0 has passed, and only a default slice, whose length is 0, has no array.
    private void EmitSliceBytes()
    {
        _il.Emit(OpCodes.Ldloc, _loop!.Slice);
        _il.Emit(OpCodes.Ldfld, s_sliceArray);
        _il.Emit(OpCodes.Call, s_arrayData);
        _il.Emit(OpCodes.Ldloc, _loop.Slice);
        _il.Emit(OpCodes.Ldfld, s_sliceOffset);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _loop.Data!);
    }

    private void EmitWireLength()
    {
        if (_loop is null)
        {
            _il.Emit(OpCodes.Ldarg_S, (byte)WireLengthArg);
            return;
        }
        _il.Emit(OpCodes.Ldloc, _loop.Slice);
        _il.Emit(OpCodes.Ldfld, s_sliceWireLength);
    }

    // A constant verdict: whether it accepts is known now, so the count needs no test.
    private void EmitReturnConstant(uint value)
    {
        if (_loop is null)
        {
            LoadConstant(value);
            _il.Emit(OpCodes.Ret);
            return;
        }
        if (value == 0)
        {
            _il.Emit(OpCodes.Br, _reject ??= _il.DefineLabel());
            return;
        }
        CountAccepted(() => _il.Emit(OpCodes.Ldc_I4_1));
        EmitStoreVerdict(() => LoadConstant(value));
    }

    private void EmitReturnA()
    {
        if (_loop is null)
        {
            _il.Emit(OpCodes.Ldloc, _a);
            _il.Emit(OpCodes.Ret);
            return;
        }
        // accepted += A != 0, without a branch
        CountAccepted(() =>
        {
            _il.Emit(OpCodes.Ldloc, _a);
            _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Cgt_Un);
        });
        EmitStoreVerdict(() => _il.Emit(OpCodes.Ldloc, _a));
    }

    private void CountAccepted(Action pushIncrement)
    {
        _il.Emit(OpCodes.Ldloc, _loop!.Accepted);
        pushIncrement();
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _loop.Accepted);
    }

    // row[filter] = value; on to the next program or packet
    private void EmitStoreVerdict(Action pushValue)
    {
        _il.Emit(OpCodes.Ldloc, _loop!.Row);
        if (_filter > 0)
        {
            _il.Emit(OpCodes.Ldc_I4, sizeof(uint) * _filter);
            _il.Emit(OpCodes.Add);
        }
        pushValue();
        _il.Emit(OpCodes.Stind_I4);
        _il.Emit(OpCodes.Br, _done);
    }

    // In a case of the split, the split's value is known (a constant) or was read once for the packet.
    private bool EmitKnownValue(int index)
    {
        if (_case is null || PacketValue.Of(_program[index], _loop!.Flows[_filter].X[index]) != _case.Split.Value)
            return false;
        if (_case.Exact is { } value)
            LoadConstant(value);
        else
            _il.Emit(OpCodes.Ldloc, _case.Split.Local);
        return true;
    }

    // In a case of the split, a test of the split's value may be decided.
    private bool? KnownOutcome(int index) =>
        _case is not null && _loop!.Flows[_filter].TestAt(_program, index) is { } test ? _case.Outcome(test) : null;

    private static MethodInfo GetReference(Type spanType) =>
        typeof(MemoryMarshal).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == spanType);

    private static FieldInfo SliceField(string name) =>
        typeof(PacketSlice).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new MissingFieldException(nameof(PacketSlice), name);
}
