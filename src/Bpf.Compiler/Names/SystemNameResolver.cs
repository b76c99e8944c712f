using System.Net;
using System.Net.Sockets;
using Bpf.Compiler.CodeGen;

using Bpf.Vm;

namespace Bpf.Compiler.Names;

/// <summary>
/// The name lookups of libpcap's nametoaddr.c answered from the system files the C library reads
/// (/etc/hosts, /etc/services, /etc/protocols, /etc/networks, /etc/ethers) plus the numeric forms
/// getaddrinfo accepts. Each file is read once, on first use; the parsed tables never change
/// afterwards, so one instance can serve any number of threads. DNS is deliberately not consulted:
/// a filter must compile the same way with or without a network.
/// </summary>
internal sealed class SystemNameResolver : INameResolver
{
    /// <summary>The resolver over this machine's /etc.</summary>
    public static SystemNameResolver Default { get; } = new("/etc");

    private readonly Lazy<List<(IPAddress Address, string[] Names)>> _hosts;
    private readonly Lazy<List<SystemDatabases.Service>> _services;
    private readonly Lazy<List<(string[] Names, int Number)>> _protocols;
    private readonly Lazy<List<(string[] Names, uint Network)>> _networks;
    private readonly Lazy<List<(byte[] Mac, string Name)>> _ethers;
    private readonly bool _system;

    /// <summary>Creates a resolver over the databases in <paramref name="directory"/> (normally /etc).</summary>
    public SystemNameResolver(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _system = Path.GetFullPath(directory) == "/etc";
        _hosts = new(() => SystemDatabases.ParseHosts(Read(directory, "hosts")));
        _services = new(() => SystemDatabases.ParseServices(Read(directory, "services")));
        _protocols = new(() => SystemDatabases.ParseProtocols(Read(directory, "protocols")));
        _networks = new(() => SystemDatabases.ParseNetworks(Read(directory, "networks")));
        _ethers = new(() => SystemDatabases.ParseEthers(Read(directory, "ethers")));
    }

    // A missing or unreadable database is an empty one, as for the C library.
    private static IEnumerable<string> Read(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<IPAddress> LookupHost(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var numeric = NumericAddresses.TryParseHost(name);
        if (numeric != null)
            return [numeric];
        // glibc's hosts lookup ignores case and, with "multi on", returns every matching line.
        var result = new List<IPAddress>();
        foreach (var (address, names) in _hosts.Value)
            if (names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) && !result.Contains(address))
                result.Add(address);
        return _system && result.Count > 1 && result.Exists(a => a.AddressFamily != result[0].AddressFamily) ? InResolverOrder(name, result) : result;
    }

    // libpcap 1.10 tests a name's addresses in getaddrinfo's order, which sorts the two families by
    // the host's network configuration and gai.conf (RFC 6724), not by /etc/hosts: for a name the
    // files know, ask the C library for that order (its files backend answers; no DNS is needed).
    // The head sorts each family itself, so the order only matters to the 1.10 mode.
    private static List<IPAddress> InResolverOrder(string name, List<IPAddress> addresses)
    {
        IPAddress[] ordered;
        try
        {
            ordered = Dns.GetHostAddresses(name);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return addresses;
        }
        var rank = (IPAddress a) => Array.IndexOf(ordered, a) is var i and >= 0 ? i : int.MaxValue;
        return [.. addresses.OrderBy(rank)];
    }

    /// <inheritdoc />
    public IReadOnlyList<uint> LookupHostV4(string name)
    {
        var result = new List<uint>();
        foreach (var a in LookupHost(name))
            if (a.AddressFamily == AddressFamily.InterNetwork)
                result.Add(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes()));
        return result;
    }

    /// <inheritdoc />
    public uint? LookupNetwork(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (names, network) in _networks.Value)
            if (names.Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)))
                return network;
        return null;
    }

    /// <inheritdoc />
    public PortLookup? LookupPort(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        // pcap_nametoport asks getaddrinfo for a TCP and a UDP service; a name known for both with
        // the same port matches either transport, with different ports the TCP one wins.
        var tcp = ServicePort(name, "tcp");
        var udp = ServicePort(name, "udp");
        if (tcp >= 0)
            return new PortLookup(tcp, udp == tcp ? -1 : (int)IpProto.Tcp);
        if (udp >= 0)
            return new PortLookup(udp, (int)IpProto.Udp);
        return null;
    }

    // getaddrinfo's service part: a decimal number is a port for every protocol, else getservbyname.
    private int ServicePort(string name, string protocol)
    {
        if (name.Length > 0 && name.All(char.IsAsciiDigit))
            return ulong.TryParse(name, out var n) ? (int)(n & 0xffff) : -1;
        foreach (var s in _services.Value)
            if (s.Protocol == protocol && s.Names.Contains(name, StringComparer.Ordinal))
                return s.Port & 0xffff;
        return -1;
    }

    /// <inheritdoc />
    public int? LookupProtocol(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (names, number) in _protocols.Value)
            if (names.Contains(name, StringComparer.Ordinal))
                return number;
        return null;
    }

    /// <inheritdoc />
    public byte[]? LookupEther(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var (mac, host) in _ethers.Value)
            if (string.Equals(host, name, StringComparison.OrdinalIgnoreCase))
                return (byte[])mac.Clone();
        return null;
    }
}
