using System.Runtime.InteropServices;

namespace Bpf.Fuzz;

/// <summary>
/// A packet buffer fenced by inaccessible pages: <c>[PROT_NONE page][data][PROT_NONE page]</c>. A packet
/// copied to the end of the data touches the upper guard page with its last byte, one copied to the
/// start touches the lower one with its first, so an engine reading one byte outside the packet faults
/// (the process dies with SIGSEGV, which the fuzzer records as a crash) instead of reading neighbours.
/// </summary>
internal sealed unsafe partial class GuardedMemory : IDisposable
{
    private const int ProtNone = 0;
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;

    private readonly byte* _base;
    private readonly nuint _total;
    private readonly byte* _data;

    /// <summary>Maps room for packets of up to <paramref name="capacity"/> bytes between two guard pages.</summary>
    public GuardedMemory(int capacity)
    {
        var page = Environment.SystemPageSize;
        Capacity = (capacity + page - 1) / page * page;
        _total = (nuint)(Capacity + 2 * page);
        var mapped = Mmap(0, _total, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (mapped == -1)
            throw new InvalidOperationException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
        _base = (byte*)mapped;
        _data = _base + page;
        if (Mprotect((nint)_base, (nuint)page, ProtNone) != 0 || Mprotect((nint)(_data + Capacity), (nuint)page, ProtNone) != 0)
            throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The largest packet the buffer holds.</summary>
    public int Capacity { get; }

    /// <summary>Copies <paramref name="packet"/> so that its last byte is the last readable one.</summary>
    public ReadOnlySpan<byte> AtEnd(ReadOnlySpan<byte> packet)
    {
        var target = new Span<byte>(_data + Capacity - packet.Length, packet.Length);
        packet.CopyTo(target);
        return target;
    }

    /// <summary>Copies <paramref name="packet"/> so that its first byte is the first readable one.</summary>
    public ReadOnlySpan<byte> AtStart(ReadOnlySpan<byte> packet)
    {
        var target = new Span<byte>(_data, packet.Length);
        packet.CopyTo(target);
        return target;
    }

    public void Dispose() => _ = Munmap((nint)_base, _total);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect", SetLastError = true)]
    private static partial int Mprotect(nint address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);
}
