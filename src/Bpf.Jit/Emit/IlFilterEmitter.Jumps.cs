using System.Reflection.Emit;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>Jumps become direct IL branches; a target that is the next instruction falls through.</summary>
internal sealed partial class IlFilterEmitter
{
    private void EmitJump(int index, Instruction insn)
    {
        var op = Opcodes.OpOf(insn.Code);
        var next = index + 1;
        if (op == Opcodes.Ja)
        {
            if ((int)insn.K < 0)
                EmitBackwardJumpCount();
            BranchTo(BasicBlock.JumpTarget(index, insn.K), next);
            return;
        }
        int whenTrue = next + insn.Jt, whenFalse = next + insn.Jf;
        if (whenTrue == whenFalse)
        {
            // Both ways lead to the same place: the comparison has no effect (A is unchanged).
            BranchTo(whenTrue, next);
            return;
        }
        if (KnownOutcome(index) is { } outcome)
        {
            // Decided once for the packet by the batch loop's split (BatchLoop.PlanSplit).
            BranchTo(outcome ? whenTrue : whenFalse, next);
            return;
        }
        _il.Emit(OpCodes.Ldloc, _a);
        if (Opcodes.SrcOf(insn.Code) == Opcodes.X)
            _il.Emit(OpCodes.Ldloc, _x);
        else
            LoadConstant(insn.K);
        if (op == Opcodes.Jset)
            _il.Emit(OpCodes.And);

        // Branch on the condition to one target and fall through (or jump) to the other.
        if (whenFalse == next)
            _il.Emit(BranchIf(op), _labels[whenTrue]);
        else
        {
            _il.Emit(BranchUnless(op), _labels[whenFalse]);
            BranchTo(whenTrue, next);
        }
    }

    // Like the interpreter: a run that takes more than MaxBackwardJumps backward jumps (a loop that
    // never runs off the packet, which would hang libpcap) stops with LoopLimitResult.
    private void EmitBackwardJumpCount()
    {
        _backwardJumps ??= _il.DeclareLocal(typeof(int));
        _il.Emit(OpCodes.Ldloc, _backwardJumps);
        _il.Emit(OpCodes.Ldc_I4_1);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Dup);
        _il.Emit(OpCodes.Stloc, _backwardJumps);
        _il.Emit(OpCodes.Ldc_I4, BpfSemantics.MaxBackwardJumps);
        _il.Emit(OpCodes.Bgt, LoopLimit);
    }

    private void BranchTo(int target, int next)
    {
        if (target != next)
            _il.Emit(OpCodes.Br, _labels[target]);
    }

    // Comparisons are unsigned, as in libpcap; JSET has already reduced the operands to A & operand.
    private static OpCode BranchIf(ushort op) => op switch
    {
        Opcodes.Jeq => OpCodes.Beq,
        Opcodes.Jgt => OpCodes.Bgt_Un,
        Opcodes.Jge => OpCodes.Bge_Un,
        _ => OpCodes.Brtrue,
    };

    private static OpCode BranchUnless(ushort op) => op switch
    {
        Opcodes.Jeq => OpCodes.Bne_Un,
        Opcodes.Jgt => OpCodes.Ble_Un,
        Opcodes.Jge => OpCodes.Blt_Un,
        _ => OpCodes.Brfalse,
    };
}
