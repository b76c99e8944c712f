using Bpf.Filtering;
using Bpf.Jit;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>
/// Several filters run together, as <c>stats</c> runs them: for each (link type, snaplen) met, one
/// <see cref="BpfMultiFilter"/> that runs every program on each packet in one pass, making the test
/// the programs share most (the ethertype's) once per packet (<see cref="BpfJit.CompileMany"/>). Each filter is compiled
/// through its own <see cref="PacketFilterCache"/> (so errors and the engine choice are the facade's);
/// when any of them runs on the interpreter, the group runs them all on their own runners.
/// </summary>
internal sealed class FilterGroup(PacketFilterCache[] filters)
{
    private readonly Dictionary<(LinkType, int, bool), BpfMultiFilter> _compiled = [];
    // Inputs rarely mix link types: skip the lock and the dictionary for the key met last.
    private volatile Keyed? _last;

    private sealed record Keyed((LinkType, int, bool) Key, BpfMultiFilter Filter);

    /// <summary>How many filters run.</summary>
    public int Count => filters.Length;

    /// <summary>Starts compiling every filter for a link type, snaplen and file byte order on the thread pool.</summary>
    public void Prepare(LinkType linkType, int snaplen, bool swapped)
    {
        foreach (var filter in filters)
            filter.Prepare(linkType, snaplen, swapped);
    }

    /// <summary>The one-pass filter for a link type, snaplen and file byte order (verdict of filter f for packet i at <c>i * Count + f</c>).</summary>
    /// <exception cref="InputException">An expression cannot filter that link type (named with <paramref name="path"/>).</exception>
    public BpfMultiFilter For(LinkType linkType, int snaplen, bool swapped, string path)
    {
        var key = (linkType, snaplen, swapped);
        var last = _last;
        if (last is not null && last.Key == key)
            return last.Filter;
        var runnable = filters.Select(f => InputErrors.FilterFor(f, linkType, snaplen, swapped, path)).ToArray();
        BpfMultiFilter many;
        lock (_compiled)
        {
            if (!_compiled.TryGetValue(key, out many!))
                _compiled[key] = many = runnable.All(f => f.Engine == FilterEngine.Jit)
                    ? BpfJit.CompileMany([.. runnable.Select(f => f.Program)])
                    : BpfBatch.Combine([.. runnable.Select(f => f.Runner)]);
        }
        _last = new Keyed(key, many);
        return many;
    }
}
