using Bpf.Testing;
using Bpf.Vm;
using FsCheck;
using FsCheck.Fluent;

namespace Bpf.Jit.Tests;

/// <summary>
/// The batch entries (the JIT's emitted loop and the interpreter's) give, packet for packet, what the
/// single-packet JIT, the interpreter and libpcap's bpf_filter give, and count the accepted packets;
/// packets lie at offsets inside one shared array (as a reader's buffer holds them), and empty
/// <c>default</c> slices are packets too.
/// </summary>
public class BatchEquivalenceProperties
{
    [LibpcapProperty(MaxTest = 500)]
    public Property ForwardPrograms_BatchMatchesSingleAndLibpcap() =>
        Prop.ForAll(WithBatch(ProgramGen.ForwardProgram), SameAsSingle);

    [LibpcapProperty(MaxTest = 200)]
    public Property LoopPrograms_BatchMatchesSingleAndLibpcap() =>
        Prop.ForAll(WithBatch(LoopProgramGen.Program), SameAsSingle);

    [Fact]
    public void VerdictsShorterThanPackets_Throws()
    {
        var program = new BpfProgram([Instruction.Stmt(Opcodes.Ret | Opcodes.K, 1)]);
        var packets = new PacketSlice[3];
        Assert.Throws<ArgumentException>(() => BpfJit.CompileBatch(program)(packets, new uint[2]));
        Assert.Throws<ArgumentException>(() => new BpfInterpreter(program).RunBatch(packets, new uint[2]));
    }

    [Fact]
    public void VerdictsLongerThanPackets_LeavesTheRestAlone()
    {
        var program = new BpfProgram([Instruction.Stmt(Opcodes.Ld | Opcodes.W | Opcodes.Len), Instruction.Stmt(Opcodes.Ret | Opcodes.RetA)]);
        var verdicts = new uint[] { 7, 7, 7 };
        var accepted = BpfJit.CompileBatch(program)([new PacketSlice([1, 2], 60), default], verdicts);
        Assert.Equal(1, accepted);
        Assert.Equal([60u, 0u, 7u], verdicts);
    }

    [Fact]
    public void DefaultAndEmptySlicesBetweenPackets_AreRejectedByTheFirstCheck()
    {
        // The program's first block checks length >= 14; the batch loop reaches a packet's bytes only
        // after that check (BatchLoop.DataAfterEntryCheck), so a default slice (no array) in the middle
        // of a batch, and an empty slice of a real array, must fail the check, not fault.
        var program = new BpfProgram([
            Instruction.Stmt(Opcodes.Ld | Opcodes.H | Opcodes.Abs, 12),
            Instruction.Stmt(Opcodes.Ret | Opcodes.RetA),
        ]);
        byte[] frame = [.. new byte[12], 0x08, 0x00, 0x45];
        var verdicts = new uint[5];
        var accepted = BpfJit.CompileBatch(program)(
            [new PacketSlice(frame, 60), default, new PacketSlice(frame, 3, 0, 60), new PacketSlice(frame, 1, 13, 60), new PacketSlice(frame, 60)],
            verdicts);
        Assert.Equal([0x800u, 0u, 0u, 0u, 0x800u], verdicts);
        Assert.Equal(2, accepted);
    }

    [Fact]
    public void Slice_OutsideItsArray_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketSlice(new byte[4], 3, 2, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketSlice(new byte[4], 5, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketSlice(new byte[4], -1, 1, 5));
        Assert.Throws<ArgumentNullException>(() => new PacketSlice(null!, 0, 0, 5));
    }

    private static Arbitrary<(Instruction[] Program, (byte[] Packet, uint WireLength)[] Packets)> WithBatch(Gen<Instruction[]> programs) =>
        programs.SelectMany(program => ProgramGen.Packet.ArrayOf().Select(packets => (program, packets))).ToArbitrary();

    private static bool SameAsSingle((Instruction[] Program, (byte[] Packet, uint WireLength)[] Packets) run)
    {
        var program = new BpfProgram(run.Program);
        // One buffer holding every packet back to back, with a gap, and an empty default slice at the end.
        var buffer = new byte[run.Packets.Sum(p => p.Packet.Length + 3)];
        var slices = new PacketSlice[run.Packets.Length + 1];
        var offset = 0;
        for (var i = 0; i < run.Packets.Length; i++)
        {
            var (packet, wireLength) = run.Packets[i];
            packet.CopyTo(buffer, offset);
            slices[i] = new PacketSlice(buffer, offset, packet.Length, wireLength);
            offset += packet.Length + 3;
        }

        var jit = BpfJit.Compile(program);
        var interpreter = new BpfInterpreter(program);
        var fromBatchJit = new uint[slices.Length];
        var fromBatchInterpreter = new uint[slices.Length];
        var acceptedJit = BpfJit.CompileBatch(program)(slices, fromBatchJit);
        var acceptedInterpreter = interpreter.RunBatch(slices, fromBatchInterpreter);
        var expectedAccepted = 0;
        for (var i = 0; i < slices.Length; i++)
        {
            var packet = i < run.Packets.Length ? run.Packets[i] : ([], 0u);
            var expected = Libpcap.Filter(run.Program, packet.Packet, packet.WireLength);
            expectedAccepted += expected != 0 ? 1 : 0;
            var single = jit(packet.Packet, packet.WireLength);
            var singleInterpreter = interpreter.Run(packet.Packet, packet.WireLength);
            if (fromBatchJit[i] != expected || fromBatchInterpreter[i] != expected || single != expected || singleInterpreter != expected)
                throw new Xunit.Sdk.XunitException(
                    $"packet {i}: batch jit {fromBatchJit[i]}, batch interpreter {fromBatchInterpreter[i]}, jit {single}, " +
                    $"interpreter {singleInterpreter}, libpcap {expected} for {new ProgramRun(run.Program, packet.Packet, packet.WireLength)}");
        }
        if (acceptedJit != expectedAccepted || acceptedInterpreter != expectedAccepted)
            throw new Xunit.Sdk.XunitException($"accepted: batch jit {acceptedJit}, batch interpreter {acceptedInterpreter}, libpcap {expectedAccepted}");
        return true;
    }
}
