using System.Text;
using Bpf.Jit.Tests;
using Bpf.Testing;
using Bpf.Verification.Encoding;
using Bpf.Verification.Smt;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using static Bpf.Verification.Smt.SmtText;
using O = Bpf.Vm.Opcodes;

namespace Bpf.Verification.Tests.Encoding;

/// <summary>
/// The formula means what the interpreter does: for random loop-free programs (every executable
/// opcode, loads in and out of bounds, division by X == 0, shifts by 32 and more) and random
/// truncated packets, the solver, given the packet, computes exactly the interpreter's return value,
/// and no other value is possible (the bytes past the captured length do not matter).
/// </summary>
public sealed class ProgramEncoderTests : IDisposable
{
    private const int PacketsPerProgram = 6;
    private readonly ProcessSmtSolver? _solver = Z3.MissingReason is null ? new ProcessSmtSolver() : null;

    public void Dispose() => _solver?.Dispose();

    [Z3Fact]
    public void RandomPrograms_SolverValueEqualsInterpreter()
    {
        var runs = ProgramGen.ForwardProgram
            .SelectMany(program => ProgramGen.Packet.ArrayOf(PacketsPerProgram).Select(packets => (program, packets)))
            .Sample(50, 250);
        foreach (var (program, packets) in runs)
            AssertSameResults(new BpfProgram(program), packets);
    }

    [Z3Theory]
    [MemberData(nameof(CornerCases))]
    public void CornerCase_SolverValueEqualsInterpreter(string name, Instruction[] program)
    {
        Assert.NotNull(name);
        (byte[], uint)[] packets =
        [
            ([], 0), ([], 1000), ([0x45], 1), ([0x45, 0, 0, 0x1c], 60), ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 16),
            ([0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0x20, 0x21, 0x22, 0x23], 1_000_000),
        ];
        AssertSameResults(new BpfProgram(program), packets);
    }

    public static TheoryData<string, Instruction[]> CornerCases() => new()
    {
        { "div by x == 0", [Instruction.Stmt(O.Ld | O.B | O.Abs, 0), Instruction.Stmt(O.Ldx | O.B | O.Msh, 0), Instruction.Stmt(O.Alu | O.Div | O.X), Instruction.Stmt(O.Ret | O.RetA)] },
        { "mod by x == 0", [Instruction.Stmt(O.Ldx | O.Imm, 0), Instruction.Stmt(O.Ld | O.Imm, 7), Instruction.Stmt(O.Alu | O.Mod | O.X), Instruction.Stmt(O.Ret | O.K, 9)] },
        { "shift by x >= 32", [Instruction.Stmt(O.Ld | O.W | O.Abs, 0), Instruction.Stmt(O.Ldx | O.Imm, 32), Instruction.Stmt(O.Alu | O.Lsh | O.X), Instruction.Stmt(O.Ret | O.RetA)] },
        { "shift by constant 33", [Instruction.Stmt(O.Ld | O.Imm, 3), Instruction.Stmt(O.Alu | O.Lsh | O.K, 33), Instruction.Stmt(O.Ret | O.RetA)] },
        { "indexed load wraps", [Instruction.Stmt(O.Ldx | O.Imm, 0xffffffff), Instruction.Stmt(O.Ld | O.B | O.Ind, 2), Instruction.Stmt(O.Ret | O.K, 5)] },
        { "ldx msh then [x+k]", [Instruction.Stmt(O.Ldx | O.B | O.Msh, 0), Instruction.Stmt(O.Ld | O.H | O.Ind, 0), Instruction.Stmt(O.Ret | O.RetA)] },
        { "word at caplen - 4", [Instruction.Stmt(O.Ld | O.W | O.Len), Instruction.Stmt(O.Ld | O.W | O.Abs, 8), Instruction.Stmt(O.Ret | O.RetA)] },
        { "absolute offset near 2^32", [Instruction.Stmt(O.Ld | O.H | O.Abs, 0xffffffff), Instruction.Stmt(O.Ret | O.K, 1)] },
        { "scratch memory", [Instruction.Stmt(O.Ld | O.B | O.Abs, 0), Instruction.Stmt(O.St, 3), Instruction.Stmt(O.Ldx | O.Mem, 3), Instruction.Stmt(O.Ld | O.Mem, 4), Instruction.Stmt(O.Alu | O.Add | O.X), Instruction.Stmt(O.Ret | O.RetA)] },
        { "ancillary load reads past the packet", [Instruction.Stmt(O.Ld | O.B | O.Abs, AncillaryOffsets.AdOffset + AncillaryOffsets.VlanTagPresent), Instruction.Stmt(O.Ret | O.K, 1)] },
    };

    // Encodes once, then for each packet: fix the inputs, read the solver's value, and prove it is the only one.
    private void AssertSameResults(BpfProgram program, IEnumerable<(byte[] Packet, uint WireLength)> packets)
    {
        var interpreter = new BpfInterpreter(program);
        var encoded = ProgramEncoder.Encode(program, "p_", AncillaryLoads.OutOfBounds);
        var solver = _solver!;
        solver.Send("(reset)\n(set-option :produce-models true)\n(set-logic QF_ABV)\n" + PacketSymbols.Declare(uint.MaxValue, []) + encoded.Definitions);
        foreach (var (packet, wireLength) in packets)
        {
            var expected = interpreter.Run(packet, wireLength);
            var fix = new StringBuilder("(push 1)\n");
            fix.Append($"(assert (= {PacketSymbols.CaptureLength} {Word((uint)packet.Length)}))\n(assert (= {PacketSymbols.WireLength} {Word(wireLength)}))\n");
            for (var i = 0; i < packet.Length; i++)
                fix.Append($"(assert (= (select {PacketSymbols.Packet} {Word((uint)i)}) {SmtText.Byte(packet[i])}))\n");
            solver.Send(fix.ToString());
            Assert.Equal(SatResult.Sat, solver.CheckSat(TimeSpan.FromSeconds(30)));
            var actual = (uint)ParseBitVector(solver.GetValues([encoded.Result])[0]);
            Assert.True(expected == actual,
                $"solver {actual}, interpreter {expected} for [{string.Join(", ", program)}] packet {Convert.ToHexString(packet)} wire {wireLength}");
            solver.Send($"(assert (distinct {encoded.Result} {Word(expected)}))");
            Assert.Equal(SatResult.Unsat, solver.CheckSat(TimeSpan.FromSeconds(30)));
            solver.Send("(pop 1)");
        }
    }
}
