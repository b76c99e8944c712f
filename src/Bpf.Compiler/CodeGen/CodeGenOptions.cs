using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// What code generation needs to know about the capture the filter is compiled for.
/// </summary>
/// <param name="LinkType">The data link type of the packets (libpcap's <c>pcap_datalink</c>).</param>
/// <param name="Snaplen">The value returned for accepted packets (libpcap's <c>pcap_snapshot</c>).</param>
/// <param name="Netmask">The IPv4 netmask for <c>ip broadcast</c>; <c>0xffffffff</c> (PCAP_NETMASK_UNKNOWN) when unknown.</param>
/// <param name="LinuxKernelVlan">
/// True to generate what libpcap generates for a live Linux capture handle, where the kernel strips
/// VLAN tags into metadata: <c>vlan</c> then tests the SKF_AD_VLAN_TAG_PRESENT / SKF_AD_VLAN_TAG ancillary loads.
/// </param>
internal sealed record CodeGenOptions(LinkType LinkType, int Snaplen, uint Netmask, bool LinuxKernelVlan)
{
    /// <summary>libpcap's PCAP_NETMASK_UNKNOWN.</summary>
    public const uint NetmaskUnknown = 0xffffffff;

    /// <summary>
    /// Resolves host, service, protocol and MAC names; null means only numeric forms and libpcap's
    /// built-in tables are available, and other names are reported as unknown.
    /// </summary>
    public INameResolver? Names { get; init; }

    /// <summary>The libpcap whose language and programs to reproduce (consulted where head and 1.10 differ).</summary>
    public LibpcapCompatibility Compatibility { get; init; } = LibpcapCompatibility.Head;

    /// <summary>Compiling for a savefile (pcap_open_offline) rather than a handle without a file.</summary>
    public bool Savefile { get; init; }

    /// <summary>The savefile's byte order is the opposite of this host's (pcap_is_swapped).</summary>
    public bool SavefileSwapped { get; init; }

    /// <summary>True when generating libpcap 1.10.3's programs rather than the head's.</summary>
    public bool V1_10 => Compatibility == LibpcapCompatibility.V1_10;
}
