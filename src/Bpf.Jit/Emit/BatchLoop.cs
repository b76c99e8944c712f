using System.Reflection.Emit;

using Bpf.Vm;

namespace Bpf.Jit.Emit;

/// <summary>
/// What the programs of one emitted batch loop share for the current packet: its slice, bytes and
/// length, A, X and the scratch cells (each program starts them at zero), the row of verdicts, and the
/// values of constant-offset loads that two or more programs make.
/// </summary>
internal sealed class BatchLoop
{
    private readonly ILGenerator _il;

    public BatchLoop(ILGenerator il, bool readsPacket)
    {
        _il = il;
        A = il.DeclareLocal(typeof(uint));
        X = il.DeclareLocal(typeof(uint));
        Slice = il.DeclareLocal(typeof(PacketSlice).MakeByRefType());
        Row = il.DeclareLocal(typeof(uint).MakeByRefType());
        Index = il.DeclareLocal(typeof(int));
        Accepted = il.DeclareLocal(typeof(int));
        if (readsPacket)
        {
            Length = il.DeclareLocal(typeof(int));
            Data = il.DeclareLocal(typeof(byte).MakeByRefType());
        }
    }

    public LocalBuilder A { get; }

    public LocalBuilder X { get; }

    public LocalBuilder?[] Memory { get; } = new LocalBuilder?[Opcodes.MemWords];

    /// <summary>A reference to the current packet's <see cref="PacketSlice"/>.</summary>
    public LocalBuilder Slice { get; }

    /// <summary>The captured length (when a program reads the packet).</summary>
    public LocalBuilder? Length { get; }

    /// <summary>A reference to the first captured byte (when a program reads the packet).</summary>
    public LocalBuilder? Data { get; }

    /// <summary>A reference to the current packet's first verdict.</summary>
    public LocalBuilder Row { get; }

    public LocalBuilder Index { get; }

    /// <summary>How many verdicts so far were non-zero.</summary>
    public LocalBuilder Accepted { get; }

    /// <summary>Per (offset, size) of a shared constant-offset load, the local holding the packet's value.</summary>
    public Dictionary<(uint Offset, uint Size), LocalBuilder> Shared { get; } = [];

    /// <summary>
    /// Reads, once per packet, every constant-offset load that two or more programs make, in order of
    /// their end offsets, stopping at the first that does not fit the packet (nor do the later ones).
    /// </summary>
    /// <remarks>
    /// A program reads a shared value only where its own bounds check passed (each block checks its
    /// largest load end on entry, <see cref="BoundsPlan"/>), so it never sees a value left from an
    /// earlier packet: whenever its load runs, the packet is long enough, and the value was read here.
    /// </remarks>
    public void EmitSharedLoads(IReadOnlyList<Instruction[]> programs)
    {
        var users = new Dictionary<(uint Offset, uint Size), int>();
        foreach (var program in programs)
        {
            var loads = program
                .Where(insn => Opcodes.ClassOf(insn.Code) == Opcodes.Ld && Opcodes.ModeOf(insn.Code) == Opcodes.Abs)
                .Select(insn => (insn.K, LoadSizes.Of(insn.Code)))
                .Distinct();
            foreach (var load in loads)
                users[load] = users.GetValueOrDefault(load) + 1;
        }
        var shared = users.Where(u => u.Value >= 2 && (ulong)u.Key.Offset + u.Key.Size <= int.MaxValue)
            .Select(u => u.Key).OrderBy(load => load.Offset + load.Size).ToList();
        if (shared.Count == 0)
            return;
        var done = _il.DefineLabel();
        foreach (var (offset, size) in shared)
        {
            _il.Emit(OpCodes.Ldloc, Length!);
            _il.Emit(OpCodes.Ldc_I4, (int)(offset + size));
            _il.Emit(OpCodes.Blt, done);
            var value = _il.DeclareLocal(typeof(uint));
            IlFilterEmitter.EmitReadAt(_il, Data!, offset, size);
            _il.Emit(OpCodes.Stloc, value);
            Shared[(offset, size)] = value;
        }
        _il.MarkLabel(done);
    }
}
