using Bpf.Vm;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Filtering.Tests;

/// <summary>Instruction shorthands in tcpdump -d terms.</summary>
internal static class Asm
{
    public static Instruction LdImm(uint k) => Instruction.Stmt(O.Ld | O.Imm, k);
    public static Instruction LdLen() => Instruction.Stmt(O.Ld | O.W | O.Len);
    public static Instruction Ja(int k) => Instruction.Stmt(O.Jmp | O.Ja, unchecked((uint)k));
    public static Instruction JK(ushort op, uint k, byte jt, byte jf) => Instruction.Jump((ushort)(O.Jmp | op | O.K), k, jt, jf);
    public static Instruction RetK(uint k) => Instruction.Stmt(O.Ret | O.K, k);
}
