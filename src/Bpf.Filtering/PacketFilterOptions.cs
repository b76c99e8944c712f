using Bpf.Compiler;
using Bpf.Vm;

namespace Bpf.Filtering;

/// <summary>How <see cref="PacketFilter.Compile"/> compiles an expression and which engine runs it.</summary>
public sealed record PacketFilterOptions
{
    /// <summary>Ethernet, libpcap's default snapshot length, the compiler's defaults, <see cref="FilterEngine.Auto"/>.</summary>
    public static PacketFilterOptions Default { get; } = new();

    /// <summary>The link type of the packets the filter will see.</summary>
    public LinkType LinkType { get; init; } = LinkType.EN10MB;

    /// <summary>What the program returns for accepted packets (libpcap's snapshot length).</summary>
    public int Snaplen { get; init; } = FilterCompiler.DefaultSnaplen;

    /// <summary>Compiler options: optimization, netmask, VLAN handling, libpcap compatibility.</summary>
    public CompilerOptions Compiler { get; init; } = CompilerOptions.Default;

    /// <summary>The engine to run on.</summary>
    public FilterEngine Engine { get; init; } = FilterEngine.Auto;
}
