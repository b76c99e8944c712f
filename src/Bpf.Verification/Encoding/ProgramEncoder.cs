using System.Text;
using Bpf.Vm;
using static Bpf.Verification.Smt.SmtText;
using static Bpf.Vm.Opcodes;

namespace Bpf.Verification.Encoding;

/// <summary>
/// Turns a loop-free program into SMT-LIB definitions of its return value over the symbolic packet
/// (<see cref="PacketSymbols"/>), with exactly <see cref="BpfInterpreter"/>'s semantics. Each
/// instruction is a node of the DAG with a reach condition and an SSA value per register written;
/// where paths meet, registers merge with <c>ite</c> over the incoming edges, so the formula grows
/// with the number of edges, not of paths. A load past the captured length or a division by zero
/// stops its path, and a path that reaches no <c>ret</c> returns 0.
/// </summary>
internal sealed class ProgramEncoder
{
    private const string Zero = "#x00000000";
    private readonly Instruction[] _program;
    private readonly string _prefix;
    private readonly AncillaryLoads _ancillary;
    private readonly StringBuilder _out = new();
    private readonly HashSet<uint> _ancillaryUsed = [];
    private readonly List<string> _faults = [];

    private ProgramEncoder(BpfProgram program, string prefix, AncillaryLoads ancillary)
    {
        _program = [.. program];
        _prefix = prefix;
        _ancillary = ancillary;
    }

    /// <summary>Encodes <paramref name="program"/>; its names start with <paramref name="prefix"/>.</summary>
    /// <exception cref="VerificationException">The program jumps backward (kind <see cref="VerificationErrorKind.LoopNotSupported"/>).</exception>
    public static EncodedProgram Encode(BpfProgram program, string prefix, AncillaryLoads ancillary)
    {
        var encoder = new ProgramEncoder(program, prefix, ancillary);
        var result = encoder.Run();
        var faults = encoder._faults.Count == 0 ? "false" : encoder._faults.Count == 1 ? encoder._faults[0] : "(or " + string.Join(' ', encoder._faults) + ")";
        var faulted = encoder.DefineBool("faulted", faults);
        return new EncodedProgram(encoder._out.ToString(), result, faulted, encoder._ancillaryUsed);
    }

    private sealed record State(string A, string X, string[] M);

    private string Run()
    {
        var n = _program.Length;
        var incoming = new List<(string Cond, State State)>[n];
        incoming[0] = [("true", new State(Zero, Zero, Enumerable.Repeat(Zero, MemWords).ToArray()))];
        var exits = new List<(string Guard, string Value)>();
        for (var i = 0; i < n; i++)
        {
            if (incoming[i] is not { Count: > 0 } edges)
                continue;
            var guard = edges.Count == 1 ? edges[0].Cond : DefineBool($"g{i}", "(or " + string.Join(' ', edges.Select(e => e.Cond)) + ")");
            var state = Merge(i, edges);
            var insn = _program[i];
            var next = Execute(i, insn, state, out var fail, out var condition);
            var ok = fail is null ? guard : DefineBool($"ok{i}", $"(and {guard} (not {fail}))");
            if (fail is not null)
                _faults.Add(DefineBool($"fault{i}", $"(and {guard} {fail})"));
            incoming[i] = null!; // Done with this node's edges.
            switch (insn.Class)
            {
                case Ret:
                    exits.Add((ok, insn.Code == (Ret | RetA) ? state.A : Word(insn.K)));
                    break;
                case Jmp when insn.Code == (Jmp | Ja):
                    AddEdge(incoming, Target(i, insn.K), ok, next);
                    break;
                case Jmp:
                {
                    int t = i + 1 + insn.Jt, f = i + 1 + insn.Jf;
                    if (t == f)
                    {
                        AddEdge(incoming, t, ok, next);
                        break;
                    }
                    var c = DefineBool($"c{i}", condition!);
                    AddEdge(incoming, t, DefineBool($"t{i}", $"(and {ok} {c})"), next);
                    AddEdge(incoming, f, DefineBool($"f{i}", $"(and {ok} (not {c}))"), next);
                    break;
                }
                default:
                    AddEdge(incoming, i + 1, ok, next);
                    break;
            }
        }
        var result = Zero;
        for (var e = exits.Count - 1; e >= 0; e--)
            result = exits[e].Guard == "true" ? exits[e].Value : $"(ite {exits[e].Guard} {exits[e].Value} {result})";
        return DefineWord("result", result);
    }

    private int Target(int i, uint k)
    {
        var target = (long)i + 1 + k;
        if (target >= _program.Length)
            throw new VerificationException(VerificationErrorKind.LoopNotSupported,
                $"instruction {i} (ja) jumps backward (a protochain loop): only loop-free programs can be verified");
        return (int)target;
    }

    private static void AddEdge(List<(string, State)>[] incoming, int to, string cond, State state)
    {
        if (cond == "false")
            return;
        (incoming[to] ??= []).Add((cond, state));
    }

    private State Merge(int i, List<(string Cond, State State)> edges)
    {
        if (edges.Count == 1)
            return edges[0].State;
        var a = MergeOne($"A{i}", edges, s => s.A);
        var x = MergeOne($"X{i}", edges, s => s.X);
        var m = new string[MemWords];
        for (var k = 0; k < MemWords; k++)
        {
            var cell = k;
            m[k] = MergeOne($"M{i}_{k}", edges, s => s.M[cell]);
        }
        return new State(a, x, m);
    }

    private string MergeOne(string name, List<(string Cond, State State)> edges, Func<State, string> register)
    {
        var last = register(edges[^1].State);
        if (edges.All(e => register(e.State) == last))
            return last;
        var term = last;
        for (var e = edges.Count - 2; e >= 0; e--)
            term = $"(ite {edges[e].Cond} {register(edges[e].State)} {term})";
        return DefineWord(name, term);
    }

    // The state after instruction i, the condition under which it stops the program with 0 (null: never),
    // and for a conditional jump the condition of its true branch.
    private State Execute(int i, Instruction insn, State s, out string? fail, out string? condition)
    {
        fail = null;
        condition = null;
        var k = insn.K;
        switch (insn.Code)
        {
            case Ret | K:
            case Ret | RetA:
            case Jmp | Ja:
                return s;

            case Ld | W | Abs:
            case Ld | H | Abs:
            case Ld | B | Abs:
                if (_ancillary == AncillaryLoads.FreeInputs && AncillaryInputs.IsXorX(k))
                    return s with { A = DefineWord($"a{i}", $"(bvxor {s.A} {s.X})") };
                if (_ancillary == AncillaryLoads.FreeInputs && AncillaryInputs.IsInput(k))
                {
                    _ancillaryUsed.Add(k);
                    return s with { A = AncillaryInputs.Name(k) };
                }
                fail = AbsoluteFail(k, SizeOf(insn.Code));
                return s with { A = DefineWord($"a{i}", LoadAbsolute(k, SizeOf(insn.Code))) };

            case Ld | W | Ind:
            case Ld | H | Ind:
            case Ld | B | Ind:
            {
                var offset = DefineWord($"o{i}", $"(bvadd {s.X} {Word(k)})");
                var size = Bytes(SizeOf(insn.Code));
                // libpcap checks k > buflen || X > buflen - k: a sum that wraps is out of bounds.
                fail = DefineBool($"oob{i}",
                    $"(or (bvult {offset} {Word(k)}) (bvugt {offset} {PacketSymbols.CaptureLength}) (bvult (bvsub {PacketSymbols.CaptureLength} {offset}) {Word((uint)size)}))");
                return s with { A = DefineWord($"a{i}", Load(j => j == 0 ? offset : $"(bvadd {offset} {Word((uint)j)})", size)) };
            }

            case Ldx | Msh | B:
                fail = AbsoluteFail(k, B);
                return s with { X = DefineWord($"x{i}", $"(bvshl (bvand ((_ zero_extend 24) {ByteAt(Word(k))}) #x0000000f) #x00000002)") };

            case Ld | W | Len: return s with { A = PacketSymbols.WireLength };
            case Ldx | W | Len: return s with { X = PacketSymbols.WireLength };
            case Ld | Imm: return s with { A = Word(k) };
            case Ldx | Imm: return s with { X = Word(k) };
            case Ld | Mem: return s with { A = s.M[k] };
            case Ldx | Mem: return s with { X = s.M[k] };
            case St: return s with { M = With(s.M, k, s.A) };
            case Stx: return s with { M = With(s.M, k, s.X) };

            case Jmp | Jgt | K: condition = $"(bvugt {s.A} {Word(k)})"; return s;
            case Jmp | Jge | K: condition = $"(bvuge {s.A} {Word(k)})"; return s;
            case Jmp | Jeq | K: condition = $"(= {s.A} {Word(k)})"; return s;
            case Jmp | Jset | K: condition = $"(not (= (bvand {s.A} {Word(k)}) {Zero}))"; return s;
            case Jmp | Jgt | X: condition = $"(bvugt {s.A} {s.X})"; return s;
            case Jmp | Jge | X: condition = $"(bvuge {s.A} {s.X})"; return s;
            case Jmp | Jeq | X: condition = $"(= {s.A} {s.X})"; return s;
            case Jmp | Jset | X: condition = $"(not (= (bvand {s.A} {s.X}) {Zero}))"; return s;

            case Alu | Div | X:
            case Alu | Mod | X:
                fail = $"(= {s.X} {Zero})";
                return s with { A = DefineWord($"a{i}", $"({(OpOf(insn.Code) == Div ? "bvudiv" : "bvurem")} {s.A} {s.X})") };
            case Alu | Neg:
                return s with { A = DefineWord($"a{i}", $"(bvneg {s.A})") };
            case Alu | Lsh | K:
                return s with { A = DefineWord($"a{i}", $"(bvshl {s.A} {Word(k & 31)})") };
            case Alu | Rsh | K:
                return s with { A = DefineWord($"a{i}", $"(bvlshr {s.A} {Word(k & 31)})") };
            default:
                if (insn.Class == Alu)
                {
                    // SMT-LIB's bvshl/bvlshr give 0 for shift counts >= 32, exactly BpfSemantics.ShiftLeft/Right.
                    var op = OpOf(insn.Code) switch
                    {
                        Add => "bvadd",
                        Sub => "bvsub",
                        Mul => "bvmul",
                        Div => "bvudiv",
                        Mod => "bvurem",
                        And => "bvand",
                        Or => "bvor",
                        Xor => "bvxor",
                        Lsh => "bvshl",
                        Rsh => "bvlshr",
                        _ => throw Unknown(i, insn),
                    };
                    var operand = SrcOf(insn.Code) == X ? s.X : Word(k);
                    return s with { A = DefineWord($"a{i}", $"({op} {s.A} {operand})") };
                }
                if (insn.Code == (Misc | Tax))
                    return s with { X = s.A };
                if (insn.Code == (Misc | Txa))
                    return s with { A = s.X };
                throw Unknown(i, insn);
        }
    }

    private static VerificationException Unknown(int i, Instruction insn) =>
        new(VerificationErrorKind.InvalidProgram, $"instruction {i}: opcode 0x{insn.Code:x} cannot be run");

    private static string[] With(string[] m, uint k, string value)
    {
        var copy = (string[])m.Clone();
        copy[k] = value;
        return copy;
    }

    private static int Bytes(ushort size) => size switch { W => 4, H => 2, _ => 1 };

    // Out of bounds when k + size > caplen, computed without wrapping.
    private static string? AbsoluteFail(uint k, ushort size)
    {
        var end = (ulong)k + (ulong)Bytes(size);
        return end > uint.MaxValue ? "true" : $"(bvult {PacketSymbols.CaptureLength} {Word((uint)end)})";
    }

    private static string LoadAbsolute(uint k, ushort size) =>
        Load(j => Word(unchecked(k + (uint)j)), Bytes(size));

    // Big-endian: the first byte is the most significant.
    private static string Load(Func<int, string> offsetOf, int size)
    {
        var bytes = string.Join(' ', Enumerable.Range(0, size).Select(j => ByteAt(offsetOf(j))));
        return size switch
        {
            4 => $"(concat {bytes})",
            2 => $"((_ zero_extend 16) (concat {bytes}))",
            _ => $"((_ zero_extend 24) {bytes})",
        };
    }

    private static string ByteAt(string offset) => $"(select {PacketSymbols.Packet} {offset})";

    private string DefineWord(string name, string term)
    {
        name = _prefix + name;
        _out.Append("(define-fun ").Append(name).Append(" () (_ BitVec 32) ").Append(term).Append(")\n");
        return name;
    }

    private string DefineBool(string name, string term)
    {
        name = _prefix + name;
        _out.Append("(define-fun ").Append(name).Append(" () Bool ").Append(term).Append(")\n");
        return name;
    }
}

/// <summary>
/// A program's definitions (to send after <see cref="PacketSymbols"/>' declarations), the names of its
/// return value and of "a load fell past the capture or X was 0 for a division" (the run ended early
/// with 0), and the ancillary offsets it reads.
/// </summary>
internal sealed record EncodedProgram(string Definitions, string Result, string Faulted, IReadOnlySet<uint> AncillaryOffsets);
