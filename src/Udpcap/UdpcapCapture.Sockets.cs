using Bpf.Jit;
using Capture.Npcap;

namespace Udpcap;

public sealed partial class UdpcapCapture
{
    /// <summary>When set, nothing starts the pump thread: the owner drives the stack with <see cref="PumpOne"/> (benchmarks).</summary>
    internal bool ManualPump { get; set; }

    internal void Attach(UdpcapSocket socket)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            _sockets.Add(socket);
        }
    }

    internal void Detach(UdpcapSocket socket)
    {
        lock (_gate)
        {
            if (_sockets.Remove(socket) && !_disposed)
                Reconfigure();
        }
    }

    /// <summary>Rebuilds bindings and filter after a socket's bind, join, leave or loopback change.</summary>
    internal void Changed(UdpcapSocket socket)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            Reconfigure();
            if (_startOnBind && socket.IsBound && !ManualPump)
                Start();
        }
    }

    /// <summary>A socket wants data: start a replay that waited for its receivers; report a capture that already ended.</summary>
    internal void Receiving(UdpcapSocket socket)
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (HasEnded)
                socket.Queue.End(_endFault);
            if (ManualPump)
                return;
        }
        Start();
    }

    private void Reconfigure()
    {
        var bindings = _sockets.Select(s => s.Binding).OfType<SocketBinding>().ToArray();
        _demux.Bindings = bindings;
        var expression = CaptureFilterBuilder.Build(bindings, _source.LinkType, _own);
        // With nothing bound, the old filter stays: the demultiplexer drops everything anyway.
        if (expression is null || expression == FilterExpression)
            return;
        if (_source is LiveDevice live)
        {
            try
            {
                live.SetFilter(expression);
            }
            catch (LiveCaptureException e)
            {
                throw new UdpcapException(UdpcapError.BackendUnavailable, $"cannot install the capture filter: {e.Message}", e);
            }
        }
        else
            Volatile.Write(ref _filter, CompileManaged(expression, _source.LinkType));
        FilterExpression = expression;
    }

    /// <summary>
    /// pcapng files may mix link types: the filter is compiled once per further link type and cached with the
    /// filter it derives from. A link type our compiler cannot filter IPv4 on passes unfiltered (the decoder
    /// still drops what is not IPv4/UDP).
    /// </summary>
    private ManagedFilter? FilterForOtherLinkType(ManagedFilter primary, Bpf.Vm.LinkType linkType)
    {
        var cache = primary.Others;
        lock (cache)
        {
            if (cache.TryGetValue(linkType, out var known))
                return known;
            ManagedFilter? compiled;
            try
            {
                compiled = CompileManaged(CaptureFilterBuilder.Build(_demux.Bindings, linkType, _own), linkType);
            }
            catch (Bpf.Compiler.FilterCompileException)
            {
                compiled = null;
            }
            cache[linkType] = compiled;
            return compiled;
        }
    }

    private static ManagedFilter? CompileManaged(string? expression, Bpf.Vm.LinkType linkType) =>
        expression is null ? null : new ManagedFilter(linkType, PacketFilter.Compile(expression, linkType));

    private void ThrowIfDisposed()
    {
        if (_disposed)
            throw new UdpcapException(UdpcapError.Closed, "the capture is closed");
    }
}
