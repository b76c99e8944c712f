using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Bpf.Jit;
using Bpf.Vm;

namespace Bpf.Fuzz.Targets;

/// <summary>
/// The validator, interpreter and JIT on a program and a packet decoded from arbitrary bytes. Every
/// program the validator accepts (the runnable profile) compiles in the JIT, without an exception to
/// fall back on, and it returns what the interpreter returns, for the whole
/// packet and for shorter captures of it, with the packet placed against a guard page on either side
/// so that a read outside it faults; the batch JIT returns the same verdicts for the same packets
/// held between canaries (see <see cref="CompareBatch"/>).
/// </summary>
/// <remarks>
/// Input layout (<see cref="Encode"/> writes it): one byte n, n instructions of 8 bytes in
/// <c>struct bpf_insn</c>'s layout (little-endian), the wire length (4 bytes, little-endian), then the packet.
/// </remarks>
internal sealed class EnginesTarget : IFuzzTarget
{
    private const int MaxPacket = 65536;
    private static readonly GuardedMemory s_memory = new(MaxPacket);

    public string Name => "engines";

    public string Description => "program + packet from bytes: interpreter, JIT and batch JIT agree on refusal and results; packets against guard pages or canaries";

    public void Run(byte[] input)
    {
        var (program, wireLength, packet) = Decode(input);
        RunnableProgram runnable;
        try
        {
            runnable = RunnableProgram.Validate(program);
        }
        catch (BpfValidationException)
        {
            // Refused once, before any engine: engines only ever see runnable programs.
            return;
        }
        // Beyond the validator nothing may refuse: the JIT compiles every runnable program (an
        // InvalidProgramException here is a JIT bug that a facade would hide behind its fallback).
        var interpreter = new BpfInterpreter(runnable);
        var jit = BpfJit.Compile(runnable);

        CompareBatch(interpreter, jit.AsBatchDelegate(), packet, wireLength);
        Compare(interpreter, jit, s_memory.AtEnd(packet), wireLength, "at the end");
        Compare(interpreter, jit, s_memory.AtStart(packet), wireLength, "at the start");
        if (packet.Length > 0)
        {
            Compare(interpreter, jit, s_memory.AtEnd(packet[..^1]), wireLength, "cut by one, at the end");
            Compare(interpreter, jit, s_memory.AtEnd(packet[..(packet.Length / 2)]), wireLength, "cut by half, at the end");
            Compare(interpreter, jit, s_memory.AtEnd([]), wireLength, "empty");
        }
    }

    private static void Compare(BpfInterpreter interpreter, BpfRunner jit, ReadOnlySpan<byte> packet, uint wireLength, string where)
    {
        var expected = interpreter.Run(packet, wireLength);
        var actual = jit.Run(packet, wireLength);
        FuzzFinding.Check(expected == actual,
            $"packet of {packet.Length} bytes ({where}), wire length {wireLength}: interpreter {expected}, JIT {actual}");
    }

    // The batch entry takes packets as slices of managed arrays, which cannot end at a guard page: each
    // packet (whole, cut by one, cut by half, empty) lies in one shared array between canary bytes, and
    // the batch runs once per canary fill. A read outside a slice sees the fill, so the verdicts would
    // change with it; they must all equal the interpreter's, packet by packet.
    private static readonly byte[] s_fills = [0x00, 0xFF, 0xA5];
    private const int Canary = 64;

    private static void CompareBatch(BpfInterpreter interpreter, BpfBatchFilter batch, byte[] packet, uint wireLength)
    {
        int[] lengths = [packet.Length, Math.Max(0, packet.Length - 1), packet.Length / 2, 0];
        var array = new byte[Canary + lengths.Sum(l => l + Canary)];
        var slices = new PacketSlice[lengths.Length];
        var expected = new uint[lengths.Length];
        var verdicts = new uint[lengths.Length];
        foreach (var fill in s_fills)
        {
            array.AsSpan().Fill(fill);
            var offset = Canary;
            for (var i = 0; i < lengths.Length; i++)
            {
                packet.AsSpan(0, lengths[i]).CopyTo(array.AsSpan(offset));
                slices[i] = new PacketSlice(array, offset, lengths[i], wireLength);
                expected[i] = interpreter.Run(packet.AsSpan(0, lengths[i]), wireLength);
                offset += lengths[i] + Canary;
            }
            var accepted = batch(slices, verdicts);
            for (var i = 0; i < lengths.Length; i++)
                FuzzFinding.Check(verdicts[i] == expected[i],
                    $"batch: packet of {lengths[i]} bytes, wire length {wireLength}, canary 0x{fill:x2}: interpreter {expected[i]}, batch JIT {verdicts[i]}");
            FuzzFinding.Check(accepted == expected.Count(v => v != 0), $"batch: {accepted} accepted, the verdicts say {expected.Count(v => v != 0)}");
            var interpreted = interpreter.RunBatch(slices, verdicts);
            FuzzFinding.Check(interpreted == accepted && verdicts.AsSpan().SequenceEqual(expected), "batch: the interpreter's batch entry differs from its single runs");
        }
    }

    /// <summary>Splits an input into a program, a wire length and a packet (at most 64 KiB).</summary>
    public static (BpfProgram Program, uint WireLength, byte[] Packet) Decode(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return (new BpfProgram([]), 0, []);
        var count = Math.Min(input[0], (input.Length - 1) / 8);
        var instructions = MemoryMarshal.Cast<byte, Instruction>(input.Slice(1, count * 8)).ToArray();
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("the engines target's layout is little-endian");
        var rest = input[(1 + count * 8)..];
        var wireLength = rest.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(rest) : 0;
        var packet = rest.Length >= 4 ? rest[4..] : [];
        if (packet.Length > MaxPacket)
            packet = packet[..MaxPacket];
        return (new BpfProgram(instructions), wireLength, packet.ToArray());
    }

    /// <summary>The input that <see cref="Decode"/> turns into this program, wire length and packet (for seeds).</summary>
    public static byte[] Encode(BpfProgram program, uint wireLength, ReadOnlySpan<byte> packet)
    {
        if (program.Count > byte.MaxValue)
            throw new ArgumentException("at most 255 instructions fit the layout", nameof(program));
        var output = new byte[1 + program.Count * 8 + 4 + packet.Length];
        output[0] = (byte)program.Count;
        MemoryMarshal.AsBytes(program.AsSpan()).CopyTo(output.AsSpan(1));
        BinaryPrimitives.WriteUInt32LittleEndian(output.AsSpan(1 + program.Count * 8), wireLength);
        packet.CopyTo(output.AsSpan(1 + program.Count * 8 + 4));
        return output;
    }
}
