using Bpf.Vm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>Readable constructors for hand-written test programs, named after the assembler syntax.</summary>
internal static class Asm
{
    public static Instruction LdAbs(ushort size, uint k) => Instruction.Stmt((ushort)(O.Ld | size | O.Abs), k);
    public static Instruction LdInd(ushort size, uint k) => Instruction.Stmt((ushort)(O.Ld | size | O.Ind), k);
    public static Instruction LdImm(uint k) => Instruction.Stmt(O.Ld | O.Imm, k);
    public static Instruction LdLen() => Instruction.Stmt(O.Ld | O.W | O.Len);
    public static Instruction LdMem(uint k) => Instruction.Stmt(O.Ld | O.Mem, k);
    public static Instruction LdxImm(uint k) => Instruction.Stmt(O.Ldx | O.Imm, k);
    public static Instruction LdxLen() => Instruction.Stmt(O.Ldx | O.W | O.Len);
    public static Instruction LdxMem(uint k) => Instruction.Stmt(O.Ldx | O.Mem, k);
    public static Instruction LdxMsh(uint k) => Instruction.Stmt(O.Ldx | O.B | O.Msh, k);
    public static Instruction St(uint k) => Instruction.Stmt(O.St, k);
    public static Instruction Stx(uint k) => Instruction.Stmt(O.Stx, k);
    public static Instruction AluK(ushort op, uint k) => Instruction.Stmt((ushort)(O.Alu | op | O.K), k);
    public static Instruction AluX(ushort op) => Instruction.Stmt((ushort)(O.Alu | op | O.X));
    public static Instruction Neg() => Instruction.Stmt(O.Alu | O.Neg);
    public static Instruction Tax() => Instruction.Stmt(O.Misc | O.Tax);
    public static Instruction Txa() => Instruction.Stmt(O.Misc | O.Txa);
    public static Instruction Ja(int k) => Instruction.Stmt(O.Jmp | O.Ja, unchecked((uint)k));
    public static Instruction JK(ushort op, uint k, byte jt, byte jf) => Instruction.Jump((ushort)(O.Jmp | op | O.K), k, jt, jf);
    public static Instruction JX(ushort op, byte jt, byte jf) => Instruction.Jump((ushort)(O.Jmp | op | O.X), 0, jt, jf);
    public static Instruction RetK(uint k) => Instruction.Stmt(O.Ret | O.K, k);
    public static Instruction RetA() => Instruction.Stmt(O.Ret | O.RetA);
}
