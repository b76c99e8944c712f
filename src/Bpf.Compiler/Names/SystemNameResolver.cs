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

    // Each database indexed by name once: the first line naming it wins, as the C library's scan finds it
    // (a scan per lookup cost 1-3 us for a common service such as "domain" and ~10 us for an unknown one,
    // over this machine's 361 lines of /etc/services, where a whole compile is ~3 us).
    private readonly Lazy<Dictionary<string, IPAddress[]>> _hosts;
    private readonly Lazy<(Dictionary<string, int> Tcp, Dictionary<string, int> Udp)> _services;
    private readonly Lazy<Dictionary<string, int>> _protocols;
    private readonly Lazy<Dictionary<string, uint>> _networks;
    private readonly Lazy<Dictionary<string, byte[]>> _ethers;
    private readonly bool _system;

    /// <summary>Creates a resolver over the databases in <paramref name="directory"/> (normally /etc).</summary>
    public SystemNameResolver(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        _system = Path.GetFullPath(directory) == "/etc";
        _hosts = new(() => HostsByName(SystemDatabases.ParseHosts(Read(directory, "hosts"))));
        _services = new(() => ServicesByName(SystemDatabases.ParseServices(Read(directory, "services"))));
        _protocols = new(() => FirstByName(SystemDatabases.ParseProtocols(Read(directory, "protocols")), StringComparer.Ordinal));
        _networks = new(() => FirstByName(SystemDatabases.ParseNetworks(Read(directory, "networks")), StringComparer.OrdinalIgnoreCase));
        _ethers = new(() => FirstByName(SystemDatabases.ParseEthers(Read(directory, "ethers")).Select(e => (new[] { e.Name }, e.Mac)),
            StringComparer.OrdinalIgnoreCase));
    }

    private static Dictionary<string, T> FirstByName<T>(IEnumerable<(string[] Names, T Value)> entries, StringComparer comparer)
    {
        var index = new Dictionary<string, T>(comparer);
        foreach (var (names, value) in entries)
            foreach (var name in names)
                index.TryAdd(name, value);
        return index;
    }

    // A service's port per protocol (getservbyname's first match, numbers masked to 16 bits).
    private static (Dictionary<string, int>, Dictionary<string, int>) ServicesByName(List<SystemDatabases.Service> services)
    {
        var (tcp, udp) = (new Dictionary<string, int>(StringComparer.Ordinal), new Dictionary<string, int>(StringComparer.Ordinal));
        foreach (var service in services)
        {
            var index = service.Protocol == "tcp" ? tcp : service.Protocol == "udp" ? udp : null;
            foreach (var name in service.Names)
                index?.TryAdd(name, service.Port & 0xffff);
        }
        return (tcp, udp);
    }

    // glibc's hosts lookup ignores case and, with "multi on", returns every matching line: each name's
    // distinct addresses in file order.
    private static Dictionary<string, IPAddress[]> HostsByName(List<(IPAddress Address, string[] Names)> hosts)
    {
        var lists = new Dictionary<string, List<IPAddress>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (address, names) in hosts)
            foreach (var name in names)
            {
                if (!lists.TryGetValue(name, out var list))
                    lists[name] = list = [];
                if (!list.Contains(address))
                    list.Add(address);
            }
        return lists.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
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
        if (!_hosts.Value.TryGetValue(name, out var found))
            return [];
        List<IPAddress> result = [.. found];
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
        return _networks.Value.TryGetValue(name, out var network) ? network : null;
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
        var (tcp, udp) = _services.Value;
        return (protocol == "tcp" ? tcp : udp).TryGetValue(name, out var port) ? port : -1;
    }

    /// <inheritdoc />
    public int? LookupProtocol(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _protocols.Value.TryGetValue(name, out var number) ? number : null;
    }

    /// <inheritdoc />
    public byte[]? LookupEther(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _ethers.Value.TryGetValue(name, out var mac) ? (byte[])mac.Clone() : null;
    }
}
