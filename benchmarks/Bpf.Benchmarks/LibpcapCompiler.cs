using Bpf.Vm;
using Interop.Libpcap;

namespace Bpf.Benchmarks;

/// <summary>
/// <c>pcap_compile</c> of one libpcap build (the system's 1.10.3 or the development head, loaded by
/// path), the compile suite's baseline. What is timed is pcap_compile and pcap_freecode only: the
/// <c>pcap_open_dead</c> handle of each link type is opened once and kept (as a capturing program keeps
/// its handle), and the expressions are encoded to C strings before timing.
/// </summary>
internal sealed unsafe class LibpcapCompiler : IDisposable
{
    /// <summary>The environment variable naming the head's libpcap.so (as in the tests).</summary>
    public const string HeadVariable = "BPF_LIBPCAP_HEAD";

    private readonly LibpcapExports _pcap;
    private readonly Dictionary<LinkType, IntPtr> _handles = [];

    private LibpcapCompiler(LibpcapExports pcap) => _pcap = pcap;

    /// <summary><c>pcap_lib_version()</c>.</summary>
    public string Version => _pcap.Version;

    /// <summary>The system libpcap (1.10.3 here).</summary>
    public static LibpcapCompiler System() =>
        new(LibpcapExports.Default ?? throw new InvalidOperationException("the system libpcap is not installed"));

    /// <summary>The development head's build: $BPF_LIBPCAP_HEAD or ../shared/oracle/build-libpcap.sh's cache.</summary>
    public static LibpcapCompiler Head()
    {
        var path = Environment.GetEnvironmentVariable(HeadVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ".cache", "bpf-oracle", "libpcap-f26ae497", "build", "libpcap.so");
        var exports = LibpcapExports.Load(path, out var reason)
            ?? throw new InvalidOperationException($"the head libpcap is needed ({reason}; run ../shared/oracle/build-libpcap.sh or set {HeadVariable})");
        return !exports.Version.Contains("PRE-GIT", StringComparison.Ordinal) && !exports.Version.Contains("1.11", StringComparison.Ordinal)
            ? throw new InvalidOperationException($"{path} is not the development head: {exports.Version}")
            : new LibpcapCompiler(exports);
    }

    /// <summary>The expressions as pcap_compile takes them, each with its link type's open handle.</summary>
    public (IntPtr Handle, byte[] Text)[] Prepare(CorpusExpression[] corpus)
    {
        var prepared = new (IntPtr, byte[])[corpus.Length];
        for (int i = 0; i < corpus.Length; i++)
        {
            if (!_handles.TryGetValue(corpus[i].LinkType, out var handle))
            {
                handle = _pcap.pcap_open_dead((int)corpus[i].LinkType, FilterCompilerDefaults.Snaplen);
                if (handle == IntPtr.Zero)
                    throw new InvalidOperationException($"pcap_open_dead refused {corpus[i].LinkType}");
                _handles.Add(corpus[i].LinkType, handle);
            }
            prepared[i] = (handle, LibpcapNative.CString(corpus[i].Expression));
        }
        return prepared;
    }

    /// <summary>pcap_compile (optimized, netmask unknown) then pcap_freecode; the instruction count, or -1 when refused.</summary>
    public int Compile(IntPtr handle, byte[] text)
    {
        BpfProgramNative program = default;
        fixed (byte* t = text)
            if (_pcap.pcap_compile(handle, &program, t, 1, LibpcapNative.NetmaskUnknown) != 0)
                return -1;
        int length = (int)program.Length;
        _pcap.pcap_freecode(&program);
        return length;
    }

    public void Dispose()
    {
        foreach (var handle in _handles.Values)
            _pcap.pcap_close(handle);
        _handles.Clear();
    }
}

/// <summary>The arguments both compilers get.</summary>
internal static class FilterCompilerDefaults
{
    /// <summary>libpcap's and tcpdump's default snapshot length.</summary>
    public const int Snaplen = 262144;
}
