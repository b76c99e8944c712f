using Bpf.Testing;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Jit.Tests;

/// <summary>
/// Random valid programs over random, possibly truncated packets: the JIT and the interpreter return
/// exactly what libpcap's bpf_filter returns. Each property checks a batch of packets per program, so thousands
/// of program/packet pairs run in well under a second.
/// </summary>
public class EquivalenceProperties
{
    private const int PacketsPerProgram = 8;

    [LibpcapProperty(MaxTest = 1000)]
    public Property ForwardPrograms_JitAndInterpreterMatchLibpcap() =>
        Prop.ForAll(WithPackets(ProgramGen.ForwardProgram), SameOnEveryPacket);

    [LibpcapProperty(MaxTest = 500)]
    public Property LoopPrograms_JitAndInterpreterMatchLibpcap() =>
        Prop.ForAll(WithPackets(LoopProgramGen.Program), SameOnEveryPacket);

    [LibpcapProperty(MaxTest = 300)]
    public Property GeneratedPrograms_PassLibpcapValidation() =>
        Prop.ForAll(ProgramGen.ForwardProgram.Or(LoopProgramGen.Program).ToArbitrary(),
            program => Libpcap.Validate(program) && BpfValidator.Validate(new BpfProgram(program), ValidationProfile.Libpcap).IsValid
                && program.All(insn => ExecutableOpcodes.Contains(insn.Code)));

    private static Arbitrary<ProgramRun[]> WithPackets(Gen<Instruction[]> programs) =>
        programs.SelectMany(program => ProgramGen.Packet.ArrayOf(PacketsPerProgram)
                .Select(packets => packets.Select(p => new ProgramRun(program, p.Packet, p.WireLength)).ToArray()))
            .ToArbitrary();

    private static bool SameOnEveryPacket(ProgramRun[] runs)
    {
        var program = new BpfProgram(runs[0].Program);
        var jit = BpfJit.Compile(program);
        var interpreter = new BpfInterpreter(program);
        foreach (var run in runs)
        {
            var expected = Libpcap.Filter(run.Program, run.Packet, run.WireLength);
            var fromJit = jit(run.Packet, run.WireLength);
            var fromInterpreter = interpreter.Run(run.Packet, run.WireLength);
            if (fromJit != expected || fromInterpreter != expected)
                throw new Xunit.Sdk.XunitException($"jit {fromJit}, interpreter {fromInterpreter}, libpcap {expected} for {run}");
        }
        return true;
    }
}
