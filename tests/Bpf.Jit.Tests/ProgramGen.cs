using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>A program and a packet (possibly truncated: wire length at least the captured length).</summary>
public sealed record ProgramRun(Instruction[] Program, byte[] Packet, uint WireLength)
{
    public override string ToString() =>
        $"program [{string.Join(", ", Program)}] packet [{Convert.ToHexString(Packet)}] wire {WireLength}";
}

/// <summary>
/// FsCheck generators of valid programs: every opcode bpf_filter executes, offsets mostly near the
/// packet (so loads both succeed and fail), constants mostly small (so jumps go both ways).
/// </summary>
internal static class ProgramGen
{
    private static readonly ushort[] s_sizes = [O.W, O.H, O.B];
    private static readonly ushort[] s_aluOps = [O.Add, O.Sub, O.Mul, O.Div, O.Or, O.And, O.Lsh, O.Rsh, O.Mod, O.Xor];
    private static readonly ushort[] s_jumpOps = [O.Jeq, O.Jgt, O.Jge, O.Jset];

    /// <summary>Packet offsets: mostly inside small packets, sometimes at the 32-bit edges.</summary>
    public static Gen<uint> Offset { get; } = Gen.Frequency(
        (12, Gen.Choose(0, 70).Select(v => (uint)v)),
        (1, Gen.Choose(0, 8).Select(v => uint.MaxValue - (uint)v)),
        (1, Gen.Choose(-8, 8).Select(v => unchecked((uint)(int.MaxValue + v)))));

    /// <summary>Constants: small, near shift limits, or any 32-bit value.</summary>
    public static Gen<uint> Constant { get; } = Gen.Frequency(
        (6, Gen.Choose(0, 64).Select(v => (uint)v)),
        (2, Gen.Choose(0, 255).Select(v => (uint)v)),
        (2, Gen.Choose(int.MinValue, int.MaxValue).Select(v => unchecked((uint)v))));

    private static Gen<ushort> Size => Gen.Elements(s_sizes);

    /// <summary>One instruction that does not jump: loads, stores, ALU, register moves.</summary>
    public static Gen<Instruction> Straight(bool mayUseCell15 = true)
    {
        var cell = Gen.Choose(0, mayUseCell15 ? 15 : 14).Select(v => (uint)v);
        return Gen.Frequency(
            (4, Size.Zip(Offset, (size, k) => Instruction.Stmt((ushort)(O.Ld | size | O.Abs), k))),
            (3, Size.Zip(Offset, (size, k) => Instruction.Stmt((ushort)(O.Ld | size | O.Ind), k))),
            (1, Offset.Select(k => Instruction.Stmt(O.Ldx | O.B | O.Msh, k))),
            (1, Constant.Select(k => Instruction.Stmt(O.Ld | O.Imm, k))),
            (2, Gen.Frequency((4, Gen.Choose(0, 40)), (1, Gen.Choose(int.MinValue, int.MaxValue)))
                .Select(k => Instruction.Stmt(O.Ldx | O.Imm, unchecked((uint)k)))),
            (1, Gen.Elements(Instruction.Stmt(O.Ld | O.W | O.Len), Instruction.Stmt(O.Ldx | O.W | O.Len))),
            (2, Gen.Elements<ushort>(O.Ld | O.Mem, O.Ldx | O.Mem, O.St, O.Stx).Zip(cell, Instruction.Stmt)),
            (5, Gen.Elements(s_aluOps).Zip(Constant, (op, k) =>
                Instruction.Stmt((ushort)(O.Alu | op | O.K), op is O.Div or O.Mod && k == 0 ? 1 : k))),
            (3, Gen.Elements(s_aluOps).Select(op => Instruction.Stmt((ushort)(O.Alu | op | O.X)))),
            (1, Gen.Elements(Instruction.Stmt(O.Alu | O.Neg), Instruction.Stmt(O.Misc | O.Tax), Instruction.Stmt(O.Misc | O.Txa))));
    }

    /// <summary>A return: <c>ret #k</c> or <c>ret a</c>.</summary>
    public static Gen<Instruction> Return { get; } = Gen.Frequency(
        (2, Constant.Select(k => Instruction.Stmt(O.Ret | O.K, k))),
        (1, Gen.Constant(Instruction.Stmt(O.Ret | O.RetA))));

    /// <summary>A forward jump from <paramref name="index"/> whose targets stay at or before <paramref name="last"/>.</summary>
    public static Gen<Instruction> ForwardJump(int index, int last)
    {
        var reach = Math.Min(last - index - 1, 255);
        var offset = Gen.Choose(0, reach).Select(v => (byte)v);
        return Gen.Frequency(
            (1, offset.Select(k => Instruction.Stmt(O.Jmp | O.Ja, k))),
            (5, Gen.Elements(s_jumpOps).Zip(Gen.Elements(O.K, O.X)).Zip(Constant)
                .SelectMany(t => offset.Two().Select(j =>
                    Instruction.Jump((ushort)(O.Jmp | t.Item1.Item1 | t.Item1.Item2), t.Item2, j.Item1, j.Item2)))));
    }

    /// <summary>Random valid programs of 1 to 40 instructions with forward jumps only.</summary>
    public static Gen<Instruction[]> ForwardProgram { get; } = Gen.Choose(1, 40).SelectMany(length =>
        Gen.CollectToArray(Enumerable.Range(0, length), i => i == length - 1
            ? Return
            : Gen.Frequency((7, Straight()), (3, ForwardJump(i, length - 1)), (1, Return))))
        .Select(ZeroScratch);

    /// <summary>
    /// Prepends <c>ld #0; st M[k]</c> for every scratch cell the program reads. Our engines start
    /// with zeroed cells, but libpcap's bpf_filter leaves its <c>mem[]</c> uninitialized, so a read
    /// before a write would compare against stack garbage. Prepending keeps relative jumps intact.
    /// </summary>
    public static Instruction[] ZeroScratch(Instruction[] program)
    {
        var read = program
            .Where(insn => insn.Class is O.Ld or O.Ldx && O.ModeOf(insn.Code) == O.Mem)
            .Select(insn => insn.K).Distinct().Order().ToArray();
        if (read.Length == 0)
            return program;
        return [Instruction.Stmt(O.Ld | O.Imm, 0), .. read.Select(k => Instruction.Stmt(O.St, k)), .. program];
    }

    /// <summary>Packets of 0 to 80 bytes with a wire length at least as long, sometimes much longer.</summary>
    public static Gen<(byte[] Packet, uint WireLength)> Packet { get; } =
        Gen.Choose(0, 80).SelectMany(length => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(length))
            .SelectMany(bytes => Gen.Frequency(
                    (3, Gen.Constant(0u)),
                    (2, Gen.Choose(1, 1500).Select(v => (uint)v)),
                    (1, Gen.Choose(0, int.MaxValue).Select(v => (uint)v)))
                .Select(extra => (bytes, (uint)Math.Min((ulong)bytes.Length + extra, uint.MaxValue))));

    /// <summary>Runs of forward-jump programs.</summary>
    public static Arbitrary<ProgramRun> ForwardRuns { get; } =
        ForwardProgram.Zip(Packet, (p, k) => new ProgramRun(p, k.Packet, k.WireLength)).ToArbitrary();
}
