using System.Reflection;
using System.Reflection.Emit;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// Emits the IL of one validated program into a <see cref="DynamicMethod"/> with the signature
/// <c>uint (object closure, ReadOnlySpan&lt;byte&gt; packet, uint wireLength)</c>, or, in batch mode
/// (IlFilterEmitter.Batch.cs), into a loop over a batch of packets with the program inlined.
/// A, X and the scratch cells the program uses are IL locals (zeroed on entry, as libpcap's
/// registers are), jumps are direct branches, constants are inline, and bounds checks follow
/// <see cref="BoundsPlan"/>.
/// </summary>
internal sealed partial class IlFilterEmitter
{
    private const int PacketArg = 1;
    private const int WireLengthArg = 2;

    private static readonly MethodInfo s_start = Helper(typeof(PacketReads), nameof(PacketReads.Start));
    private static readonly MethodInfo s_length = typeof(ReadOnlySpan<byte>).GetProperty(nameof(ReadOnlySpan<byte>.Length))!.GetMethod!;

    private readonly Instruction[] _program;
    private readonly BasicBlock[] _blocks;
    private readonly BoundsPlan _bounds;
    private readonly ILGenerator _il;
    private readonly Label[] _labels;
    private readonly LocalBuilder?[] _memory;
    private readonly LocalBuilder _a;
    private readonly LocalBuilder _x;
    private LocalBuilder? _length;
    private LocalBuilder? _data;
    private Label? _outOfBounds;
    private Label? _divisionByZero;
    private Label? _loopLimit;
    private LocalBuilder? _backwardJumps;

    private IlFilterEmitter(Instruction[] program, ILGenerator il, BatchLoop? loop = null, int filter = 0, SplitCase? known = null)
    {
        _program = program;
        _il = il;
        _loop = loop;
        _filter = filter;
        _case = known;
        _blocks = BasicBlock.Split(program);
        _bounds = BoundsPlan.Build(program, _blocks);
        _labels = new Label[program.Length];
        foreach (var block in _blocks)
            _labels[block.Start] = il.DefineLabel();
        // In a batch loop the registers and the packet are the loop's, shared by its filters.
        _a = loop?.A ?? il.DeclareLocal(typeof(uint));
        _x = loop?.X ?? il.DeclareLocal(typeof(uint));
        _memory = loop?.Memory ?? new LocalBuilder?[Opcodes.MemWords];
        _length = loop?.Length;
        _data = loop?.Data;
    }

    /// <summary>Emits <paramref name="program"/> (already validated) into <paramref name="il"/>.</summary>
    public static void Emit(Instruction[] program, ILGenerator il) => new IlFilterEmitter(program, il).EmitBody();

    private static bool ReadsPacket(Instruction[] program) =>
        Array.Exists(program, insn => LoadSizes.IsAbsolute(insn.Code) || LoadSizes.IsIndexed(insn.Code));

    private void EmitBody()
    {
        if (ReadsPacket(_program))
            EmitPacketLocals();
        EmitInstructions();
        EmitReturnLabel(_outOfBounds, BpfSemantics.OutOfBoundsResult);
        EmitReturnLabel(_divisionByZero, BpfSemantics.DivisionByZeroResult);
        EmitReturnLabel(_loopLimit, BpfSemantics.LoopLimitResult);
    }

    private void EmitInstructions()
    {
        for (var b = 0; b < _blocks.Length; b++)
        {
            _il.MarkLabel(_labels[_blocks[b].Start]);
            EmitAbsoluteCheck(_bounds.AbsoluteEnd[b]);
            if (b == 0 && _loop is { DataAfterEntryCheck: true })
                EmitSliceBytes();
            for (var i = _blocks[b].Start; i <= _blocks[b].End; i++)
            {
                if (_bounds.IndexedEnd[i] != 0)
                    EmitIndexedCheck(_bounds.IndexedEnd[i]);
                EmitInstruction(i, _program[i]);
            }
        }
    }

    private void EmitPacketLocals()
    {
        _length = _il.DeclareLocal(typeof(int));
        _data = _il.DeclareLocal(typeof(byte).MakeByRefType());
        _il.Emit(OpCodes.Ldarga_S, (byte)PacketArg);
        _il.Emit(OpCodes.Call, s_length);
        _il.Emit(OpCodes.Stloc, _length);
        _il.Emit(OpCodes.Ldarg_S, (byte)PacketArg);
        _il.Emit(OpCodes.Call, s_start);
        _il.Emit(OpCodes.Stloc, _data);
    }

    // The block's constant-offset loads all fit when length >= their largest end.
    private void EmitAbsoluteCheck(ulong end)
    {
        if (end == 0)
            return;
        if (end > int.MaxValue)
        {
            // No span is that long: every run of this block fails a load, as the interpreter's would.
            _il.Emit(OpCodes.Br, OutOfBounds);
            return;
        }
        _il.Emit(OpCodes.Ldloc, _length!);
        _il.Emit(OpCodes.Ldc_I4, (int)end);
        _il.Emit(OpCodes.Blt, OutOfBounds);
    }

    // X + end <= length, in 64 bits: X + k may not wrap (libpcap checks before adding).
    private void EmitIndexedCheck(ulong end)
    {
        _il.Emit(OpCodes.Ldloc, _x);
        _il.Emit(OpCodes.Conv_U8);
        _il.Emit(OpCodes.Ldc_I8, (long)end);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, _length!);
        _il.Emit(OpCodes.Conv_I8);
        _il.Emit(OpCodes.Bgt_Un, OutOfBounds);
    }

    private Label OutOfBounds => _outOfBounds ??= _il.DefineLabel();

    private Label DivisionByZero => _divisionByZero ??= _il.DefineLabel();

    private Label LoopLimit => _loopLimit ??= _il.DefineLabel();

    private void EmitReturnLabel(Label? label, uint value)
    {
        if (label is not { } target)
            return;
        _il.MarkLabel(target);
        EmitReturnConstant(value);
    }

    private LocalBuilder Memory(uint k) => _memory[k] ??= _il.DeclareLocal(typeof(uint));

    private void LoadConstant(uint k) => _il.Emit(OpCodes.Ldc_I4, unchecked((int)k));

    private static MethodInfo Helper(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        ?? throw new MissingMethodException(type.FullName, name);
}
