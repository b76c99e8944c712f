using System.Buffers.Binary;
using System.Reflection;
using System.Reflection.Emit;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>The IL of each instruction class; every corner case follows <see cref="BpfSemantics"/>.</summary>
internal sealed partial class IlFilterEmitter
{
    private static readonly MethodInfo s_shiftLeft = Helper(typeof(BpfSemantics), nameof(BpfSemantics.ShiftLeft));
    private static readonly MethodInfo s_shiftRight = Helper(typeof(BpfSemantics), nameof(BpfSemantics.ShiftRight));
    // Packet words are big-endian: an unaligned load plus the byte-swap intrinsic (one movbe on x64).
    // Raw IL rather than a helper wrapping them keeps the .NET JIT's inlining work, and so the
    // time from Compile to machine code, small.
    private static readonly MethodInfo s_swapWord = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(uint)])!;
    private static readonly MethodInfo s_swapHalf = typeof(BinaryPrimitives).GetMethod(nameof(BinaryPrimitives.ReverseEndianness), [typeof(ushort)])!;
    private static readonly MethodInfo s_headerLength = Helper(typeof(BpfSemantics), nameof(BpfSemantics.HeaderLength));

    private void EmitInstruction(int index, Instruction insn)
    {
        switch (insn.Class)
        {
            case Opcodes.Ld:
                EmitLoad(index, insn);
                _il.Emit(OpCodes.Stloc, _a);
                break;
            case Opcodes.Ldx:
                EmitLoad(index, insn);
                _il.Emit(OpCodes.Stloc, _x);
                break;
            case Opcodes.St:
                _il.Emit(OpCodes.Ldloc, _a);
                _il.Emit(OpCodes.Stloc, Memory(insn.K));
                break;
            case Opcodes.Stx:
                _il.Emit(OpCodes.Ldloc, _x);
                _il.Emit(OpCodes.Stloc, Memory(insn.K));
                break;
            case Opcodes.Alu:
                EmitAlu(insn);
                break;
            case Opcodes.Jmp:
                EmitJump(index, insn);
                break;
            case Opcodes.Ret:
                if (Opcodes.RvalOf(insn.Code) == Opcodes.RetA)
                    EmitReturnA();
                else
                    EmitReturnConstant(insn.K);
                break;
            default:
                _il.Emit(OpCodes.Ldloc, insn.Code == (Opcodes.Misc | Opcodes.Txa) ? _x : _a);
                _il.Emit(OpCodes.Stloc, insn.Code == (Opcodes.Misc | Opcodes.Txa) ? _a : _x);
                break;
        }
    }

    // Pushes the loaded value; the store to A or X is the caller's.
    private void EmitLoad(int index, Instruction insn)
    {
        if (EmitKnownValue(index))
            return;
        switch (Opcodes.ModeOf(insn.Code))
        {
            case Opcodes.Imm:
                LoadConstant(insn.K);
                break;
            case Opcodes.Len:
                EmitWireLength();
                break;
            case Opcodes.Mem:
                _il.Emit(OpCodes.Ldloc, Memory(insn.K));
                break;
            case Opcodes.Abs:
                PushAddress(insn.K, indexed: false);
                EmitRead(insn.Code);
                break;
            case Opcodes.Ind:
                PushAddress(insn.K, indexed: true);
                EmitRead(insn.Code);
                break;
            default:
                // ldxb 4*([k]&0xf)
                PushAddress(insn.K, indexed: false);
                _il.Emit(OpCodes.Ldind_U1);
                _il.Emit(OpCodes.Call, s_headerLength);
                break;
        }
    }

    // data + k, or data + (uint)(X + k); only reached after a check proved the sum is in bounds.
    private void PushAddress(uint k, bool indexed)
    {
        _il.Emit(OpCodes.Ldloc, _data!);
        if (indexed)
            _il.Emit(OpCodes.Ldloc, _x);
        LoadConstant(k);
        if (indexed)
            _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Conv_U);
        _il.Emit(OpCodes.Add);
    }

    /// <summary>Pushes the value of the <paramref name="size"/>-byte load at <paramref name="offset"/> from <paramref name="data"/> (checked by the caller).</summary>
    public static void EmitReadAt(ILGenerator il, LocalBuilder data, uint offset, uint size)
    {
        il.Emit(OpCodes.Ldloc, data);
        il.Emit(OpCodes.Ldc_I4, unchecked((int)offset));
        il.Emit(OpCodes.Conv_U);
        il.Emit(OpCodes.Add);
        EmitRead(il, size switch { 4 => Opcodes.W, 2 => Opcodes.H, _ => Opcodes.B });
    }

    private void EmitRead(ushort code) => EmitRead(_il, code);

    private static void EmitRead(ILGenerator il, ushort code)
    {
        switch (Opcodes.SizeOf(code))
        {
            case Opcodes.W:
                il.Emit(OpCodes.Unaligned, (byte)1);
                il.Emit(OpCodes.Ldind_U4);
                if (BitConverter.IsLittleEndian)
                    il.Emit(OpCodes.Call, s_swapWord);
                break;
            case Opcodes.H:
                il.Emit(OpCodes.Unaligned, (byte)1);
                il.Emit(OpCodes.Ldind_U2);
                if (BitConverter.IsLittleEndian)
                    il.Emit(OpCodes.Call, s_swapHalf);
                break;
            default:
                il.Emit(OpCodes.Ldind_U1);
                break;
        }
    }

    private void EmitAlu(Instruction insn)
    {
        var op = Opcodes.OpOf(insn.Code);
        var fromX = Opcodes.SrcOf(insn.Code) == Opcodes.X;
        if (fromX && op is Opcodes.Div or Opcodes.Mod)
        {
            _il.Emit(OpCodes.Ldloc, _x);
            _il.Emit(OpCodes.Brfalse, DivisionByZero);
        }
        _il.Emit(OpCodes.Ldloc, _a);
        if (op == Opcodes.Neg)
        {
            _il.Emit(OpCodes.Neg);
            _il.Emit(OpCodes.Stloc, _a);
            return;
        }
        if (fromX)
            _il.Emit(OpCodes.Ldloc, _x);
        else if (op is Opcodes.Lsh or Opcodes.Rsh)
            // BpfSemantics.ShiftLeftByConstant's rule, inline: libpcap's builds take a constant
            // count modulo 32; IL leaves counts >= 32 unspecified, so mask explicitly.
            LoadConstant(insn.K & 31);
        else
            LoadConstant(insn.K);
        switch (op)
        {
            case Opcodes.Add: _il.Emit(OpCodes.Add); break;
            case Opcodes.Sub: _il.Emit(OpCodes.Sub); break;
            case Opcodes.Mul: _il.Emit(OpCodes.Mul); break;
            case Opcodes.Div: _il.Emit(OpCodes.Div_Un); break;
            case Opcodes.Mod: _il.Emit(OpCodes.Rem_Un); break;
            case Opcodes.And: _il.Emit(OpCodes.And); break;
            case Opcodes.Or: _il.Emit(OpCodes.Or); break;
            case Opcodes.Xor: _il.Emit(OpCodes.Xor); break;
            case Opcodes.Lsh: EmitShift(fromX, OpCodes.Shl, s_shiftLeft); break;
            default: EmitShift(fromX, OpCodes.Shr_Un, s_shiftRight); break;
        }
        _il.Emit(OpCodes.Stloc, _a);
    }

    // A shift by X goes through the shared helper (counts >= 32 give 0); by a masked constant, inline.
    private void EmitShift(bool fromX, OpCode inline, MethodInfo helper)
    {
        if (fromX)
            _il.Emit(OpCodes.Call, helper);
        else
            _il.Emit(inline);
    }
}
