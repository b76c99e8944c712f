using Bpf.Vm;

namespace Bpf.Compiler;

/// <summary>How a service name maps to a port (libpcap's <c>pcap_nametoport</c> result).</summary>
/// <param name="Port">The port number.</param>
/// <param name="Protocol">6 (tcp), 17 (udp), 132 (sctp), or -1 when the name is known for several of them.</param>
public readonly record struct PortLookup(int Port, int Protocol);

/// <summary>
/// Name lookups code generation needs, as libpcap's nametoaddr.c performs them against the system
/// databases (/etc/hosts, /etc/services, /etc/protocols, /etc/networks, /etc/ethers) and its
/// built-in tables. Implementations must be thread-safe.
/// </summary>
public interface INameResolver
{
    /// <summary>The addresses of a host name, IPv4 and IPv6, in resolver order (<c>pcap_nametoaddrinfo</c>); empty when unknown.</summary>
    IReadOnlyList<System.Net.IPAddress> LookupHost(string name);

    /// <summary>The IPv4 addresses of a host name, host byte order (<c>pcap_nametoaddr</c>); empty when unknown.</summary>
    IReadOnlyList<uint> LookupHostV4(string name);

    /// <summary>A network name from /etc/networks, host byte order (<c>pcap_nametonetaddr</c>); null when unknown.</summary>
    uint? LookupNetwork(string name);

    /// <summary>A service name (<c>pcap_nametoport</c>); null when unknown.</summary>
    PortLookup? LookupPort(string name);

    /// <summary>An IP protocol name from /etc/protocols (<c>pcap_nametoproto</c>); null when unknown.</summary>
    int? LookupProtocol(string name);

    /// <summary>A MAC address from /etc/ethers (<c>pcap_ether_hostton</c>); null when unknown.</summary>
    byte[]? LookupEther(string name);
}
