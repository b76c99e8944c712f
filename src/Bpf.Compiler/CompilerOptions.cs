using Bpf.Vm;

namespace Bpf.Compiler;

/// <summary>Options of <see cref="FilterCompiler.Compile"/> beyond the link type and snaplen.</summary>
public sealed record CompilerOptions
{
    /// <summary>The default options: optimized, netmask unknown, packet-data VLAN tags.</summary>
    public static CompilerOptions Default { get; } = new();

    /// <summary>
    /// Run the optimizer (libpcap's <c>optimize</c> argument, tcpdump's default; <c>-O0</c> turns it off).
    /// Ignored for filters libpcap never optimizes (<c>protochain</c> loops and the like).
    /// </summary>
    public bool Optimize { get; init; } = true;

    /// <summary>
    /// The IPv4 netmask of the capture network, used by <c>ip broadcast</c>;
    /// <c>0xffffffff</c> (libpcap's PCAP_NETMASK_UNKNOWN) makes <c>ip broadcast</c> an error.
    /// </summary>
    public uint Netmask { get; init; } = 0xffffffff;

    /// <summary>
    /// Generate what libpcap generates for a live Linux capture, where the kernel moves VLAN tags
    /// into metadata (<c>vlan</c> tests ancillary loads) instead of reading tags from packet data.
    /// </summary>
    public bool LinuxKernelVlan { get; init; }

    /// <summary>
    /// Resolves host, network, service, protocol and ethernet names; null (the default) reads the system
    /// files (/etc/hosts, /etc/services, ...) as libpcap does. Must be thread-safe.
    /// </summary>
    public CodeGen.INameResolver? NameResolver { get; init; }

    /// <summary>
    /// The libpcap whose language and programs to reproduce: <see cref="LibpcapCompatibility.Head"/>
    /// (the default) or <see cref="LibpcapCompatibility.V1_10"/> (libpcap 1.10.3's exact instructions).
    /// </summary>
    public LibpcapCompatibility Compatibility { get; init; } = LibpcapCompatibility.Head;
}
