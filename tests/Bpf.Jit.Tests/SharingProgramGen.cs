using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Jit.Tests;

/// <summary>
/// Loop-free programs and packets made so that several programs read the same packet values and test
/// them alike, as compiled filters do (the ethertype at 12, the IPv4 protocol at 23, the fragment
/// field at 20, the header length at 14 and ports after it): what <see cref="BpfJit.CompileMany"/>
/// shares between programs. Packets mix IPv4-like, IPv6-like and random bytes, truncated anywhere,
/// so shared loads and tests meet packets too short for some of them.
/// </summary>
internal static class SharingProgramGen
{
    private static readonly Instruction[] s_loads =
    [
        Instruction.Stmt(O.Ld | O.H | O.Abs, 12),
        Instruction.Stmt(O.Ld | O.B | O.Abs, 23),
        Instruction.Stmt(O.Ld | O.B | O.Abs, 20),
        Instruction.Stmt(O.Ld | O.H | O.Abs, 20),
        Instruction.Stmt(O.Ld | O.W | O.Abs, 26),
        Instruction.Stmt(O.Ld | O.H | O.Abs, 54),
        Instruction.Stmt(O.Ldx | O.B | O.Msh, 14),
        Instruction.Stmt(O.Ldx | O.B | O.Msh, 15),
        Instruction.Stmt(O.Ld | O.H | O.Ind, 14),
        Instruction.Stmt(O.Ld | O.H | O.Ind, 16),
        Instruction.Stmt(O.Ld | O.B | O.Ind, 27),
        Instruction.Stmt(O.Ld | O.W | O.Ind, uint.MaxValue - 1),
        Instruction.Stmt(O.Ld | O.B | O.Abs, uint.MaxValue),
        Instruction.Stmt(O.Misc | O.Tax),
        Instruction.Stmt(O.Misc | O.Txa),
        Instruction.Stmt(O.Ldx | O.Imm, 4),
        Instruction.Stmt(O.Ld | O.Imm, 0x800),
        Instruction.Stmt(O.Alu | O.Add | O.K, 1),
    ];

    private static readonly uint[] s_constants = [0x800, 0x86dd, 6, 0x11, 0x1fff, 0x50, 0x35, 0, 1, 0x45, 20, 0xffff];

    private static readonly ushort[] s_jumpOps = [O.Jeq, O.Jeq, O.Jeq, O.Jgt, O.Jge, O.Jset];

    /// <summary>
    /// Sets of 2 to 8 programs of 2 to 30 instructions, forward jumps only, from a small alphabet; the
    /// conditional jumps of a set draw their (operation, constant) from a pool of four, so that the
    /// programs of a set make the same tests of the same values often (and other tests of the same
    /// constants, which a split on the value decides).
    /// </summary>
    public static Gen<Instruction[][]> ProgramSet { get; } =
        Gen.Elements(s_constants).ArrayOf(3)
            .SelectMany(constants => Gen.Elements(s_jumpOps).Zip(Gen.Elements(constants)).ArrayOf(4))
            .SelectMany(pool => Gen.Choose(2, 8).SelectMany(n => Program(pool).ArrayOf(n)));

    // Most programs start as compiled filters do: a load of the ethertype or the protocol, then a test.
    private static Gen<Instruction[]> Program((ushort Op, uint K)[] pool) => Gen.Choose(3, 30).SelectMany(length =>
        Gen.CollectToArray(Enumerable.Range(0, length), i => i == length - 1
            ? ProgramGen.Return
            : i == 0 ? Gen.Frequency((3, Gen.Elements(s_loads[0], s_loads[1])), (1, Gen.Elements(s_loads)))
            : Gen.Frequency((5, Gen.Elements(s_loads)), (5, Jump(pool, i, length - 1)), (1, ProgramGen.Return))));

    private static Gen<Instruction> Jump((ushort Op, uint K)[] pool, int index, int last)
    {
        var offset = Gen.Choose(0, Math.Min(last - index - 1, 255)).Select(v => (byte)v);
        return Gen.Frequency(
            (1, offset.Select(k => Instruction.Stmt(O.Jmp | O.Ja, k))),
            (1, offset.Two().Select(j => Instruction.Jump(O.Jmp | O.Jeq | O.X, 0, j.Item1, j.Item2))),
            (2, Gen.Elements(s_jumpOps).Zip(Gen.Elements(s_constants))
                .SelectMany(t => offset.Two().Select(j => Instruction.Jump((ushort)(O.Jmp | t.Item1 | O.K), t.Item2, j.Item1, j.Item2)))),
            (8, Gen.Elements(pool)
                .SelectMany(t => offset.Two().Select(j => Instruction.Jump((ushort)(O.Jmp | t.Op | O.K), t.K, j.Item1, j.Item2)))));
    }

    /// <summary>Packets of 0 to 80 bytes whose ethertype, version/length byte and protocol are often the tested ones.</summary>
    public static Gen<(byte[] Packet, uint WireLength)> Packet { get; } =
        Gen.Choose(0, 80).SelectMany(length => Gen.Choose(0, 255).Select(b => (byte)b).ArrayOf(length))
            .SelectMany(bytes => Gen.Elements(0x0800, 0x86dd, 0x0806, -1)
                .Zip(Gen.Elements(0x45, 0x46, 0x4f, -1))
                .Zip(Gen.Elements(6, 0x11, -1))
                .Select(t =>
                {
                    var ((ethertype, versionLength), protocol) = t;
                    if (ethertype >= 0)
                        Put(bytes, 12, ethertype >> 8, ethertype & 0xff);
                    Put(bytes, 14, versionLength);
                    Put(bytes, 23, protocol);
                    Put(bytes, 20, protocol);
                    return (bytes, (uint)bytes.Length + 4);
                }));

    // Writes the bytes that fit; -1 leaves the random ones.
    private static void Put(byte[] packet, int offset, params int[] values)
    {
        if (values[^1] < 0)
            return;
        for (var i = 0; i < values.Length && offset + i < packet.Length; i++)
            packet[offset + i] = (byte)values[i];
    }
}
