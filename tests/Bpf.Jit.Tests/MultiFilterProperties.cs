using Bpf.Testing;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Bpf.Jit.Tests;

/// <summary>
/// Several programs compiled into one pass (<see cref="BpfJit.CompileMany"/>, which shares the packet
/// values the programs read and the tests of them they make in common) give, packet for packet and
/// program for program, exactly what each program gives alone.
/// </summary>
public class MultiFilterProperties
{
    [Property(MaxTest = 500)]
    public Property SharingProgramSets_SameVerdictsAsEachAlone() =>
        Prop.ForAll(
            SharingProgramGen.ProgramSet
                .SelectMany(programs => SharingProgramGen.Packet.ArrayOf().Select(packets => (programs, packets))).ToArbitrary(),
            run => SameAsAlone(run.programs, run.packets));

    [Property(MaxTest = 300)]
    public Property RandomProgramSets_SameVerdictsAsEachAlone() =>
        Prop.ForAll(
            Gen.Choose(1, 8).SelectMany(n => ProgramGen.ForwardProgram.Or(LoopProgramGen.Program).ArrayOf(n))
                .SelectMany(programs => ProgramGen.Packet.ArrayOf().Select(packets => (programs, packets))).ToArbitrary(),
            run => SameAsAlone(run.programs, run.packets));

    [LibpcapTheory]
    [InlineData("EN10MB")]
    [InlineData("LINUX_SLL")]
    [InlineData("RAW")]
    public void CorpusPackets_LibpcapPrograms_SameVerdictsAsEachAlone(string linkTypeName)
    {
        // The filters `stats` is measured with, and more that share the ethertype and protocol loads.
        string[] expressions =
        [
            "tcp port 80", "udp", "arp", "ip6", "icmp", "vlan", "port 53", "tcp[tcpflags] & tcp-syn != 0",
            "udp and (port 53 or port 5353)", "host 192.168.1.1 and not port 22", "ip6 protochain 6", "len > 100",
        ];
        var (linkType, snaplen, packets) = Libpcap.ReadFile(Bpf.Testing.TestData.Corpus(linkTypeName));
        var programs = expressions.Select(e => Libpcap.Compile(linkType, snaplen, e, true, out _)).OfType<Instruction[]>().ToArray();
        Assert.NotEmpty(programs);
        // Whole and truncated packets.
        var all = packets.Select(p => (p.Data, p.WireLength))
            .Concat(packets.Select(p => (p.Data[..(p.Data.Length / 3)], p.WireLength))).ToArray();
        Assert.True(SameAsAlone(programs, all));
    }

    [Theory]
    [InlineData(Opcodes.Jeq)]
    [InlineData(Opcodes.Jgt)]
    [InlineData(Opcodes.Jge)]
    [InlineData(Opcodes.Jset)]
    public void SharedTest_EveryOperationAroundItsConstant_SameVerdictsAsEachAlone(ushort op)
    {
        // Two programs test the ethertype for equality with 0x800 and 0x8800 (so the batch loop splits on
        // it), others test it with the operation; packets whose ethertype is below, at and above the
        // constants, and too short.
        Instruction[] Program(ushort test, uint k, uint whenTrue, uint whenFalse) =>
        [
            Instruction.Stmt(Opcodes.Ld | Opcodes.H | Opcodes.Abs, 12),
            Instruction.Jump((ushort)(Opcodes.Jmp | test | Opcodes.K), k, 0, 1),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, whenTrue),
            Instruction.Stmt(Opcodes.Ret | Opcodes.K, whenFalse),
        ];
        var packets = new[] { 0x7ff, 0x800, 0x801, 0x8800, 0 }
            .Select(ethertype => (Packet: new byte[14], ethertype))
            .Select(p => { p.Packet[12] = (byte)(p.ethertype >> 8); p.Packet[13] = (byte)p.ethertype; return (p.Packet, 60u); })
            .Append((new byte[13], 60u)).ToArray();
        Assert.True(SameAsAlone(
            [
                Program(Opcodes.Jeq, 0x800, 1, 0), Program(Opcodes.Jeq, 0x800, 0, 7), Program(Opcodes.Jeq, 0x8800, 2, 3),
                Program(Opcodes.Jeq, 0x8800, 4, 0), Program(op, 0x800, 5, 6), Program(op, 0x8800, 8, 9), Program(op, 0x7ff, 10, 11),
            ],
            packets));
    }

    [Fact]
    public void VerdictsTooShort_Throws()
    {
        var program = new BpfProgram([Instruction.Stmt(Opcodes.Ret | Opcodes.K, 1)]);
        var many = BpfJit.CompileMany([program, program]);
        Assert.Throws<ArgumentException>(() => many(new PacketSlice[3], new uint[5]));
        Assert.Throws<ArgumentException>(() => BpfJit.CompileMany([]));
    }

    private static bool SameAsAlone(Instruction[][] programs, (byte[] Packet, uint WireLength)[] packets)
    {
        var slices = packets.Select(p => new PacketSlice(p.Packet, p.WireLength)).Append(default).ToArray();
        var verdicts = new uint[slices.Length * programs.Length];
        var accepted = BpfJit.CompileMany([.. programs.Select(p => new BpfProgram(p))])(slices, verdicts);
        var expectedAccepted = 0;
        for (var f = 0; f < programs.Length; f++)
        {
            var alone = new BpfInterpreter(new BpfProgram(programs[f]));
            for (var i = 0; i < slices.Length; i++)
            {
                var expected = alone.Run(slices[i].Data, slices[i].WireLength);
                expectedAccepted += expected != 0 ? 1 : 0;
                if (verdicts[i * programs.Length + f] != expected)
                    throw new Xunit.Sdk.XunitException(
                        $"filter {f} of {programs.Length}, packet {i}: together {verdicts[i * programs.Length + f]}, alone {expected}; " +
                        $"program [{string.Join(", ", programs[f])}] packet [{Convert.ToHexString(slices[i].Data)}] wire {slices[i].WireLength}");
            }
        }
        if (accepted != expectedAccepted)
            throw new Xunit.Sdk.XunitException($"accepted {accepted}, expected {expectedAccepted}");
        return true;
    }
}
