using Bpf.Vm;

namespace Bpf.Compiler.Optimizer;

/// <summary>
/// Value numbering (libpcap's <c>F</c>, <c>K</c> and <c>vmap</c>): equal (opcode, operand values)
/// get equal numbers, and numbers of immediate loads remember their constant. Number 0 is
/// "unknown" and is never assigned.
/// </summary>
/// <remarks>
/// One table serves every pass of a compile (<see cref="Reset"/> between passes): an open-addressing
/// hash over flat arrays indexed by value number. A new Dictionary per pass, grown from empty,
/// was most of the fixpoint loop's allocation on ordinary filters (measured: 12d's note).
/// </remarks>
internal sealed class ValueTable
{
    /// <summary>The unknown value.</summary>
    public const uint Unknown = 0;

    private const int InitialCapacity = 64;

    /// <summary>The most values a reused table (<see cref="Reuse"/>) keeps its arrays for.</summary>
    private const int PooledCapacity = 1 << 14;

    // By value number: the key (code, v0, v1) and whether it is a known constant (then v0), together
    // so that a probe reads one cache line.
    private Entry[] _entries = new Entry[InitialCapacity];

    // Open addressing: slot -> value number, 0 = empty. Kept at most half full.
    private int[] _slots = new int[2 * InitialCapacity];

    // By value number: its slot, so that Reset empties only the used slots (a table grown by one big
    // graph would otherwise clear all of its slots at every pass of every later small one).
    private int[] _slotOf = new int[InitialCapacity];
    private int _count = 1;

    /// <summary>
    /// <paramref name="table"/> reset, for the next compile (compiles reusing one do not overlap, and each
    /// pass resets it again); a new table when there is none or when a huge graph grew it.
    /// </summary>
    public static ValueTable Reuse(ValueTable? table)
    {
        if (table is null || table._entries.Length > PooledCapacity)
        {
            // A huge graph's table is not kept alive after its compile.
            return new ValueTable();
        }

        table.Reset();
        return table;
    }

    /// <summary>Forgets every number (the start of a pass); the arrays are kept.</summary>
    public void Reset()
    {
        if (_count > 1)
        {
            if (_count * 8 < _slots.Length)
            {
                for (var n = 1; n < _count; n++)
                {
                    _slots[_slotOf[n]] = 0;
                }
            }
            else
            {
                Array.Clear(_slots);
            }

            _count = 1;
        }
    }

    /// <summary>The number of the value computed by <paramref name="code"/> from <paramref name="v0"/>, <paramref name="v1"/>.</summary>
    public uint Number(int code, uint v0, uint v1)
    {
        var slots = _slots;
        var entries = _entries;
        var mask = slots.Length - 1;
        var i = Hash(code, v0, v1) & mask;
        while (true)
        {
            var val = slots[i];
            if (val == 0)
            {
                break;
            }

            ref var e = ref entries[val];
            if (e.Code == code && e.V0 == v0 && e.V1 == v1)
            {
                return (uint)val;
            }

            i = (i + 1) & mask;
        }

        var number = _count++;
        var isConst = Opcodes.ModeOf((ushort)code) == Opcodes.Imm
            && (Opcodes.ClassOf((ushort)code) == Opcodes.Ld || Opcodes.ClassOf((ushort)code) == Opcodes.Ldx);
        if (number == entries.Length)
        {
            Grow();
            _entries[number] = new Entry(code, v0, v1, isConst);
            Insert(number);
        }
        else
        {
            entries[number] = new Entry(code, v0, v1, isConst);
            slots[i] = number;
            _slotOf[number] = i;
        }

        return (uint)number;
    }

    /// <summary>The number of the constant <paramref name="k"/> (libpcap's <c>K(k)</c>).</summary>
    public uint Constant(uint k) => Number(Opcodes.Ld | Opcodes.Imm | Opcodes.W, k, 0);

    /// <summary>True when <paramref name="val"/> is a known constant.</summary>
    public bool IsConst(uint val) => _entries[val].IsConst;

    /// <summary>The constant of <paramref name="val"/> (for other values their first operand, 0 for <see cref="Unknown"/>).</summary>
    public uint ConstValue(uint val) => _entries[val].V0;

    private static int Hash(int code, uint v0, uint v1)
    {
        var h = (uint)code * 0x9E3779B1u;
        h = (h ^ v0) * 0x85EBCA77u;
        h = (h ^ v1) * 0xC2B2AE3Du;
        return (int)(h ^ (h >> 15));
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        Array.Resize(ref _slotOf, size);
        _slots = new int[2 * size];
        for (var n = 1; n < _count - 1; n++)
        {
            Insert(n);
        }
    }

    private void Insert(int number)
    {
        var mask = _slots.Length - 1;
        ref var e = ref _entries[number];
        var i = Hash(e.Code, e.V0, e.V1) & mask;
        while (_slots[i] != 0)
        {
            i = (i + 1) & mask;
        }

        _slots[i] = number;
        _slotOf[number] = i;
    }

    /// <summary>One value number's key, and whether it is a known constant (its <see cref="V0"/>).</summary>
    private readonly record struct Entry(int Code, uint V0, uint V1, bool IsConst);
}
