using System.Buffers.Binary;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>
/// Packets aimed at the programs under test, so both sides take their rare branches: the bytes at
/// each load offset set to the constants the following jumps compare with (one at a time and all
/// together), packets cut at every load offset, and wire lengths at every length constant.
/// </summary>
internal static class Mutations
{
    private const int MaxPackets = 3000;
    private const int MaxBases = 6;

    private readonly record struct Probe(uint Offset, int Size, bool Indirect, uint Constant, bool IsSet);

    public static List<TestPacket> For(IEnumerable<Instruction[]> programs, IReadOnlyList<TestPacket> bases)
    {
        var probes = new HashSet<Probe>();
        var loads = new HashSet<(uint Offset, int Size)>();
        var lengths = new HashSet<uint>();
        var msh = new HashSet<uint>();
        foreach (var program in programs)
            Collect(program, probes, loads, lengths, msh);
        var ordered = probes.ToList();
        var result = new List<TestPacket>();
        var chosen = PickBases(bases);
        foreach (var b in chosen)
        {
            var all = (byte[])b.Data.Clone();
            foreach (var probe in ordered)
            {
                if (result.Count >= MaxPackets)
                    return result;
                var single = (byte[])b.Data.Clone();
                Apply(single, probe, msh);
                Apply(all, probe, msh);
                result.Add(new TestPacket(single, b.WireLength));
            }
            result.Add(new TestPacket(all, b.WireLength));
            foreach (var (offset, size) in loads)
                foreach (var cut in new[] { offset, offset + (uint)size - 1 })
                    if (cut < all.Length && result.Count < MaxPackets)
                    {
                        result.Add(new TestPacket(all[..(int)cut], b.WireLength));
                        result.Add(new TestPacket(b.Data[..Math.Min((int)cut, b.Data.Length)], b.WireLength));
                    }
            foreach (var len in lengths)
                foreach (var wire in new[] { len - 1, len, len + 1 })
                    if (result.Count < MaxPackets)
                        result.Add(new TestPacket(all[..Math.Min(all.Length, (int)Math.Min(wire, int.MaxValue))], wire));
        }
        return result;
    }

    // A few real packets of different sizes plus a large zero packet, so absolute offsets fit.
    private static List<TestPacket> PickBases(IReadOnlyList<TestPacket> bases)
    {
        var picked = bases.Where(p => p.Data.Length >= 34).DistinctBy(p => p.Data.Length).Take(MaxBases - 1).ToList();
        picked.Add(new TestPacket(new byte[1600], 1600));
        return picked;
    }

    private static void Collect(Instruction[] program, HashSet<Probe> probes, HashSet<(uint, int)> loads, HashSet<uint> lengths, HashSet<uint> msh)
    {
        (uint Offset, int Size, bool Indirect)? last = null;
        var lastIsLen = false;
        foreach (var insn in program)
        {
            var cls = insn.Class;
            var mode = (ushort)(insn.Code & 0xe0);
            if (cls == Opcodes.Ld && mode is Opcodes.Abs or Opcodes.Ind)
            {
                var size = (insn.Code & 0x18) switch { Opcodes.W => 4, Opcodes.H => 2, _ => 1 };
                last = (insn.K, size, mode == Opcodes.Ind);
                lastIsLen = false;
                if (mode == Opcodes.Abs)
                    loads.Add((insn.K, size));
            }
            else if (cls == Opcodes.Ldx && mode == Opcodes.Msh)
            {
                msh.Add(insn.K);
                loads.Add((insn.K, 1));
            }
            else if (cls == Opcodes.Ld && mode == Opcodes.Len)
                lastIsLen = true;
            else if (insn.IsConditionalJump && (insn.Code & Opcodes.X) == 0)
            {
                if (lastIsLen)
                    lengths.Add(insn.K);
                if (last is { } l)
                    probes.Add(new Probe(l.Offset, l.Size, l.Indirect, insn.K, Opcodes.OpOf(insn.Code) == Opcodes.Jset));
            }
        }
    }

    private static void Apply(byte[] packet, Probe probe, HashSet<uint> msh)
    {
        var offset = (long)probe.Offset;
        if (probe.Indirect)
        {
            // Indexed loads are relative to an IPv4 header length (ldx 4*([k]&0xf)) in most filters.
            var x = 0L;
            foreach (var k in msh)
                if (k < packet.Length)
                    x = 4L * (packet[k] & 0xf);
            offset += x;
        }
        if (offset < 0 || offset + probe.Size > packet.Length)
            return;
        var span = packet.AsSpan((int)offset, probe.Size);
        var value = probe.Constant;
        if (probe.IsSet)
            value |= probe.Size switch { 4 => BinaryPrimitives.ReadUInt32BigEndian(span), 2 => BinaryPrimitives.ReadUInt16BigEndian(span), _ => span[0] };
        switch (probe.Size)
        {
            case 4: BinaryPrimitives.WriteUInt32BigEndian(span, value); break;
            case 2: BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)value); break;
            default: span[0] = (byte)value; break;
        }
    }
}
