using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.InteropServices;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// Batch mode: the program's body inlined in a loop over a batch of packets, with the signature
/// <c>int (object closure, ReadOnlySpan&lt;PacketSlice&gt; packets, Span&lt;uint&gt; verdicts)</c>
/// (<see cref="BpfBatchFilter"/>). Each packet starts with A, X and the scratch cells at zero, as a
/// call would; a return stores the verdict and goes on to the next packet, so the per-packet cost is
/// the filter, not a delegate call and its prologue.
/// </summary>
internal sealed partial class IlFilterEmitter
{
    private const int PacketsArg = 1;
    private const int VerdictsArg = 2;

    private static readonly MethodInfo s_packetsLength = typeof(ReadOnlySpan<PacketSlice>).GetProperty(nameof(ReadOnlySpan<PacketSlice>.Length))!.GetMethod!;
    private static readonly MethodInfo s_verdictsLength = typeof(Span<uint>).GetProperty(nameof(Span<uint>.Length))!.GetMethod!;
    private static readonly MethodInfo s_checkVerdicts = Helper(typeof(BpfBatch), nameof(BpfBatch.CheckVerdicts));
    private static readonly MethodInfo s_sliceStart = Helper(typeof(PacketSlice), nameof(PacketSlice.Start));
    private static readonly MethodInfo s_packetsStart = GetReference(typeof(ReadOnlySpan<>)).MakeGenericMethod(typeof(PacketSlice));
    private static readonly MethodInfo s_verdictsStart = GetReference(typeof(Span<>)).MakeGenericMethod(typeof(uint));
    private static readonly FieldInfo s_sliceLength = SliceField("_length");
    private static readonly FieldInfo s_sliceWireLength = SliceField("_wireLength");

    private readonly bool _batch;
    private LocalBuilder? _slice;
    private LocalBuilder? _verdicts;
    private LocalBuilder? _index;
    private LocalBuilder? _accepted;
    private Label _nextPacket;
    private Label? _reject;

    /// <summary>Emits <paramref name="program"/> (already validated) as a batch loop into <paramref name="il"/>.</summary>
    public static void EmitBatch(Instruction[] program, ILGenerator il) => new IlFilterEmitter(program, il, batch: true).EmitBatchBody();

    private void EmitBatchBody()
    {
        var count = _il.DeclareLocal(typeof(int));
        var packets = _il.DeclareLocal(typeof(PacketSlice).MakeByRefType());
        _verdicts = _il.DeclareLocal(typeof(uint).MakeByRefType());
        _slice = _il.DeclareLocal(typeof(PacketSlice).MakeByRefType());
        _index = _il.DeclareLocal(typeof(int));
        _accepted = _il.DeclareLocal(typeof(int));
        _nextPacket = _il.DefineLabel();
        var loopTop = _il.DefineLabel();
        var loopCheck = _il.DefineLabel();

        _il.Emit(OpCodes.Ldarga_S, (byte)PacketsArg);
        _il.Emit(OpCodes.Call, s_packetsLength);
        _il.Emit(OpCodes.Stloc, count);
        _il.Emit(OpCodes.Ldloc, count);
        _il.Emit(OpCodes.Ldarga_S, (byte)VerdictsArg);
        _il.Emit(OpCodes.Call, s_verdictsLength);
        _il.Emit(OpCodes.Call, s_checkVerdicts);
        _il.Emit(OpCodes.Ldarg_S, (byte)PacketsArg);
        _il.Emit(OpCodes.Call, s_packetsStart);
        _il.Emit(OpCodes.Stloc, packets);
        _il.Emit(OpCodes.Ldarg_S, (byte)VerdictsArg);
        _il.Emit(OpCodes.Call, s_verdictsStart);
        _il.Emit(OpCodes.Stloc, _verdicts);
        _il.Emit(OpCodes.Br, loopCheck);

        _il.MarkLabel(loopTop);
        // slice = ref packets[index]
        _il.Emit(OpCodes.Ldloc, packets);
        _il.Emit(OpCodes.Ldloc, _index);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Sizeof, typeof(PacketSlice));
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _slice);
        if (ReadsPacket)
        {
            _length = _il.DeclareLocal(typeof(int));
            _data = _il.DeclareLocal(typeof(byte).MakeByRefType());
            _il.Emit(OpCodes.Ldloc, _slice);
            _il.Emit(OpCodes.Ldfld, s_sliceLength);
            _il.Emit(OpCodes.Stloc, _length);
            _il.Emit(OpCodes.Ldloc, _slice);
            _il.Emit(OpCodes.Call, s_sliceStart);
            _il.Emit(OpCodes.Stloc, _data);
        }
        // Registers start at zero for every packet (the .NET JIT drops the stores a program overwrites first).
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

        _il.MarkLabel(_nextPacket);
        _il.Emit(OpCodes.Ldloc, _index);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _index);
        _il.MarkLabel(loopCheck);
        _il.Emit(OpCodes.Ldloc, _index);
        _il.Emit(OpCodes.Ldloc, count);
        _il.Emit(OpCodes.Blt, loopTop);
        _il.Emit(OpCodes.Ldloc, _accepted);
        _il.Emit(OpCodes.Ret);
    }

    private void EmitWireLength()
    {
        if (!_batch)
        {
            _il.Emit(OpCodes.Ldarg_S, (byte)WireLengthArg);
            return;
        }
        _il.Emit(OpCodes.Ldloc, _slice!);
        _il.Emit(OpCodes.Ldfld, s_sliceWireLength);
    }

    // A constant verdict: whether it accepts is known now, so the count needs no test.
    private void EmitReturnConstant(uint value)
    {
        if (!_batch)
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
        _il.Emit(OpCodes.Ldloc, _a);
        if (!_batch)
        {
            _il.Emit(OpCodes.Ret);
            return;
        }
        _il.Emit(OpCodes.Pop);
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
        _il.Emit(OpCodes.Ldloc, _accepted!);
        pushIncrement();
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, _accepted!);
    }

    // verdicts[index] = value; on to the next packet
    private void EmitStoreVerdict(Action pushValue)
    {
        _il.Emit(OpCodes.Ldloc, _verdicts!);
        _il.Emit(OpCodes.Ldloc, _index!);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Ldc_I4_4);
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Add);
        pushValue();
        _il.Emit(OpCodes.Stind_I4);
        _il.Emit(OpCodes.Br, _nextPacket);
    }

    private static MethodInfo GetReference(Type spanType) =>
        typeof(MemoryMarshal).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == nameof(MemoryMarshal.GetReference) && m.GetParameters()[0].ParameterType.GetGenericTypeDefinition() == spanType);

    private static FieldInfo SliceField(string name) =>
        typeof(PacketSlice).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)
        ?? throw new MissingFieldException(nameof(PacketSlice), name);
}
