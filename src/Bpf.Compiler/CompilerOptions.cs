using Bpf.Vm;

namespace Bpf.Compiler;

/// <summary>Options of <see cref="FilterCompiler.Compile"/> beyond the link type and snaplen.</summary>
public sealed record CompilerOptions
{
    // Declared before Default: static initializers run in text order, and Default's MemoryBudget reads it.
    private static readonly long s_defaultMemoryBudget =
        Math.Min(1L << 30, Math.Max(64L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4));

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
    /// Compile as libpcap does with a capture file open (<c>pcap_open_offline</c>, as <c>tcpdump -r</c>):
    /// DLT_NULL/ENC/PFLOG address families tested the way files need, and primitives that need a
    /// live handle's metadata (<c>inbound</c>, <c>outbound</c>, <c>ifindex</c>) refused. False: a
    /// handle with no file (<c>pcap_open_dead</c>, as <c>tcpdump -d</c> compiles).
    /// </summary>
    public bool Savefile { get; init; }

    /// <summary>
    /// With <see cref="Savefile"/>: the file's byte order differs from this host's (libpcap's
    /// <c>pcap_is_swapped</c>), which changes the DLT_NULL and DLT_ENC address-family words.
    /// </summary>
    public bool SavefileSwapped { get; init; }

    /// <summary>
    /// Resolves host, network, service, protocol and ethernet names; null (the default) reads the system
    /// files (/etc/hosts, /etc/services, ...) as libpcap does. Must be thread-safe.
    /// </summary>
    public INameResolver? NameResolver { get; init; }

    /// <summary>
    /// The libpcap whose language and programs to reproduce: <see cref="LibpcapCompatibility.Head"/>
    /// (the default) or <see cref="LibpcapCompatibility.V1_10"/> (libpcap 1.10.3's exact instructions).
    /// </summary>
    public LibpcapCompatibility Compatibility { get; init; } = LibpcapCompatibility.Head;

    /// <summary>
    /// The most memory, in bytes, the optimizer may take for its flow graph (its dominator sets grow
    /// with the square of the number of blocks: a 7,777-term <c>port</c> chain would need tens of GB).
    /// A compile that would pass it stops with <see cref="FilterErrorKind.TooComplex"/> ("filter is too
    /// complex to optimize", libpcap's words) before allocating, instead of exhausting the machine.
    /// Default: 1 GiB, or a quarter of the memory available to the process when that is less.
    /// </summary>
    public long MemoryBudget { get; init; } = DefaultMemoryBudget;

    /// <summary>The default <see cref="MemoryBudget"/>.</summary>
    public static long DefaultMemoryBudget => s_defaultMemoryBudget;
}
