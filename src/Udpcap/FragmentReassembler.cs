using System.Buffers;

namespace Udpcap;

/// <summary>
/// IPv4 fragment reassembly (RFC 791 3.2, RFC 815) with bounded memory. The result does not depend on
/// arrival order: a fragment whose bytes agree with what arrived is merged (duplicates are counted and
/// dropped), one that disagrees, or that changes the total length, poisons the whole datagram, which
/// then swallows its remaining fragments until it ages out (as Linux does since RFC 5722's errata).
/// </summary>
internal sealed class FragmentReassembler
{
    /// <summary>Fragment offsets count 8-byte units; the bitmap tracks which units arrived.</summary>
    private const int Unit = 8;
    /// <summary>The largest IPv4 payload end: 65535 minus a minimal header.</summary>
    private const int MaxEnd = 65535 - 20;

    private readonly FragmentSlot[] _slots;
    private readonly DropCounters _counters;
    private readonly long _maxBytes;
    private readonly long _timeout;
    private FragmentSlot? _completed;
    private long _bytes;
    private long _earliestDeadline = long.MaxValue;

    public FragmentReassembler(UdpcapOptions options, DropCounters counters)
    {
        _slots = new FragmentSlot[options.MaxDatagramsInReassembly];
        _counters = counters;
        _maxBytes = options.MaxReassemblyBytes;
        _timeout = (long)(options.ReassemblyTimeout.TotalMilliseconds * 1_000_000);
    }

    /// <summary>Datagrams in reassembly.</summary>
    public int InFlight { get; private set; }

    /// <summary>Buffer bytes held.</summary>
    public long Bytes => _bytes;

    /// <summary>
    /// Adds one fragment's payload. Returns true with the whole IP payload when it completes a datagram;
    /// the span stays valid until the next call.
    /// </summary>
    public bool TryAdd(FragmentKey key, int offset, ReadOnlySpan<byte> data, bool more, long timestamp, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        ReleaseCompleted();
        Expire(timestamp);
        var end = offset + data.Length;
        if (end > MaxEnd || (more && (data.Length == 0 || data.Length % Unit != 0)))
        {
            _counters.Drop(DropReason.BadFragment);
            return false;
        }
        var slot = Find(key) ?? Start(key, timestamp);
        if (slot.Poisoned)
        {
            _counters.Drop(DropReason.FragmentConflict);
            return false;
        }
        if (Conflicts(slot, end, more))
        {
            Poison(slot);
            return false;
        }
        if (!EnsureCapacity(slot, end))
        {
            _counters.Drop(DropReason.ReassemblyLimit);
            Free(slot);
            return false;
        }
        switch (Merge(slot, offset, data))
        {
            case MergeResult.Conflict:
                Poison(slot);
                return false;
            case MergeResult.Duplicate:
                _counters.Drop(DropReason.DuplicateFragment);
                break;
        }
        if (!more)
            slot.Total = end;
        slot.MaxEnd = Math.Max(slot.MaxEnd, end);
        if (slot.Total < 0 || slot.CoveredUnits != (slot.Total + Unit - 1) / Unit)
            return false;
        payload = slot.Buffer.AsSpan(0, slot.Total);
        _completed = slot;
        return true;
    }

    /// <summary>Drops datagrams older than the age limit at capture time <paramref name="now"/>.</summary>
    public void Expire(long now)
    {
        if (now < _earliestDeadline)
            return;
        var earliest = long.MaxValue;
        foreach (var slot in _slots)
        {
            if (slot is not { InUse: true })
                continue;
            if (now - slot.FirstSeen > _timeout)
            {
                if (!slot.Poisoned)
                    _counters.Drop(DropReason.ReassemblyTimeout);
                Free(slot);
            }
            else
                earliest = Math.Min(earliest, slot.FirstSeen + _timeout + 1);
        }
        _earliestDeadline = earliest;
    }

    private static bool Conflicts(FragmentSlot slot, int end, bool more) =>
        more ? slot.Total >= 0 && end > slot.Total
             : (slot.Total >= 0 && slot.Total != end) || end < slot.MaxEnd;

    private enum MergeResult { New, Duplicate, Conflict }

    private static MergeResult Merge(FragmentSlot slot, int offset, ReadOnlySpan<byte> data)
    {
        var end = offset + data.Length;
        var added = false;
        for (var start = offset; start < end; start += Unit)
        {
            var unit = start / Unit;
            var piece = data.Slice(start - offset, Math.Min(Unit, end - start));
            var target = slot.Buffer.AsSpan(start, piece.Length);
            if (slot.IsCovered(unit))
            {
                if (!piece.SequenceEqual(target))
                    return MergeResult.Conflict;
                continue;
            }
            piece.CopyTo(target);
            slot.Cover(unit);
            added = true;
        }
        return added || data.Length == 0 && slot.Total < 0 ? MergeResult.New : MergeResult.Duplicate;
    }

    private FragmentSlot? Find(FragmentKey key)
    {
        foreach (var slot in _slots)
            if (slot is { InUse: true } && slot.Key == key)
                return slot;
        return null;
    }

    private FragmentSlot Start(FragmentKey key, long timestamp)
    {
        var index = -1;
        for (var i = 0; i < _slots.Length && index < 0; i++)
            if (_slots[i] is not { InUse: true })
                index = i;
        if (index < 0)
        {
            // Full: evict the oldest, so stale junk cannot lock out new traffic.
            index = 0;
            for (var i = 1; i < _slots.Length; i++)
                if (_slots[i].FirstSeen < _slots[index].FirstSeen)
                    index = i;
            if (!_slots[index].Poisoned)
                _counters.Drop(DropReason.ReassemblyLimit);
            Free(_slots[index]);
        }
        var slot = _slots[index] ??= new FragmentSlot();
        slot.Reset(key, timestamp);
        InFlight++;
        _earliestDeadline = Math.Min(_earliestDeadline, timestamp + _timeout + 1);
        return slot;
    }

    private bool EnsureCapacity(FragmentSlot slot, int end)
    {
        var have = slot.Buffer.Length;
        if (end <= have)
            return true;
        var size = Math.Max(end, Math.Min(Math.Max(have * 2, 2048), MaxEnd + Unit));
        // The pool may hand out more than asked (it rounds up to a power of two): the limit holds for
        // the bytes actually held, so it is checked against the buffer rented, not the size asked.
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        while (_bytes + buffer.Length - have > _maxBytes && EvictOldestExcept(slot))
        {
        }
        if (_bytes + buffer.Length - have > _maxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }
        slot.Buffer.AsSpan(0, Math.Min(slot.MaxEnd, have)).CopyTo(buffer);
        ReturnBuffer(slot);
        slot.Buffer = buffer;
        _bytes += buffer.Length;
        return true;
    }

    private bool EvictOldestExcept(FragmentSlot keep)
    {
        FragmentSlot? oldest = null;
        foreach (var slot in _slots)
            if (slot is { InUse: true } && slot != keep && slot.Buffer.Length > 0 && (oldest is null || slot.FirstSeen < oldest.FirstSeen))
                oldest = slot;
        if (oldest is null)
            return false;
        if (!oldest.Poisoned)
            _counters.Drop(DropReason.ReassemblyLimit);
        Free(oldest);
        return true;
    }

    private void Poison(FragmentSlot slot)
    {
        _counters.Drop(DropReason.FragmentConflict);
        ReturnBuffer(slot);
        slot.Poisoned = true;
    }

    /// <summary>Frees the datagram the last <see cref="TryAdd"/> completed, once its payload was consumed.</summary>
    public void ReleaseCompleted()
    {
        if (_completed is { } done)
        {
            _completed = null;
            Free(done);
        }
    }

    private void Free(FragmentSlot slot)
    {
        if (!slot.InUse)
            return;
        ReturnBuffer(slot);
        slot.InUse = false;
        InFlight--;
    }

    private void ReturnBuffer(FragmentSlot slot)
    {
        if (slot.Buffer.Length == 0)
            return;
        _bytes -= slot.Buffer.Length;
        ArrayPool<byte>.Shared.Return(slot.Buffer);
        slot.Buffer = [];
    }
}

/// <summary>What identifies the fragments of one datagram (RFC 791: source, destination, protocol, identification).</summary>
internal readonly record struct FragmentKey(uint Source, uint Destination, ushort Identification, byte Protocol);

/// <summary>One datagram in reassembly; slots are reused, so steady fragmented traffic allocates only pooled buffers.</summary>
internal sealed class FragmentSlot
{
    private readonly ulong[] _covered = new ulong[65536 / 8 / 64];

    public FragmentKey Key;
    public bool InUse;
    public bool Poisoned;
    public long FirstSeen;
    public int Total;
    public int MaxEnd;
    public int CoveredUnits;
    public byte[] Buffer = [];

    public void Reset(in FragmentKey key, long timestamp)
    {
        Key = key;
        InUse = true;
        Poisoned = false;
        FirstSeen = timestamp;
        Total = -1;
        MaxEnd = 0;
        CoveredUnits = 0;
        Array.Clear(_covered);
    }

    public bool IsCovered(int unit) => (_covered[unit >> 6] & (1UL << unit)) != 0;

    public void Cover(int unit)
    {
        _covered[unit >> 6] |= 1UL << unit;
        CoveredUnits++;
    }
}
