using Bpf.Compiler;
using Bpf.Filtering;
using Bpf.Vm.Capture;

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
        if (_source is IKernelFilterTarget live)
        {
            try
            {
                live.SetFilter(expression);
            }
            catch (IOException e)
            {
                throw new UdpcapException(UdpcapError.BackendUnavailable, $"cannot install the capture filter: {e.Message}", e);
            }
        }
        else
            Volatile.Write(ref _filter, CompileManaged(bindings));
        FilterExpression = expression;
    }

    /// <summary>What managed filters return for accepted packets (the compiler's default, as libpcap's).</summary>
    private const int ManagedSnaplen = FilterCompiler.DefaultSnaplen;

    /// <summary>
    /// The filter for these bindings, compiled now for the source's link type (an error there is the
    /// caller's) and on first use for each further link type a pcapng file brings.
    /// </summary>
    private PacketFilterCache CompileManaged(SocketBinding[] bindings)
    {
        var own = _own;
        var filters = new PacketFilterCache(linkType => CaptureFilterBuilder.Build(bindings, linkType, own));
        filters.For(_source.LinkType, ManagedSnaplen);
        return filters;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
            throw new UdpcapException(UdpcapError.Closed, "the capture is closed");
    }
}
