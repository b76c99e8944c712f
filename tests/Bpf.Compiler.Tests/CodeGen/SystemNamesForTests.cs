using System.Net;
using Bpf.Compiler.CodeGen;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// A minimal resolver over this machine's /etc/hosts, /etc/services and /etc/protocols, the same
/// files libpcap reads here, so name-based ids can be compared with libpcap in code-generation tests.
/// </summary>
internal sealed class SystemNamesForTests : INameResolver
{
    public static readonly SystemNamesForTests Instance = new();

    private readonly Dictionary<string, List<IPAddress>> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (int Port, HashSet<string> Protos)> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _protocols = new(StringComparer.Ordinal);

    private SystemNamesForTests()
    {
        foreach (var fields in Lines("/etc/hosts"))
            if (IPAddress.TryParse(fields[0], out var ip))
                foreach (var name in fields.Skip(1))
                {
                    if (!_hosts.TryGetValue(name, out var list))
                        _hosts[name] = list = [];
                    list.Add(ip);
                }
        foreach (var fields in Lines("/etc/services"))
        {
            var parts = fields[1].Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], out var port))
                continue;
            foreach (var name in fields.Where((_, i) => i != 1))
            {
                if (!_services.TryGetValue(name, out var entry))
                    _services[name] = entry = (port, []);
                if (entry.Port == port)
                    entry.Protos.Add(parts[1]);
            }
        }
        foreach (var fields in Lines("/etc/protocols"))
            if (fields.Length >= 2 && int.TryParse(fields[1], out var number))
                foreach (var name in fields.Where((_, i) => i != 1))
                    _protocols.TryAdd(name, number);
    }

    private static IEnumerable<string[]> Lines(string path) => !File.Exists(path) ? [] :
        File.ReadLines(path).Select(l => l.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length >= 2);

    public IReadOnlyList<IPAddress> LookupHost(string name) => _hosts.TryGetValue(name, out var l) ? l : [];

    public IReadOnlyList<uint> LookupHostV4(string name) =>
        LookupHost(name).Where(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            .Select(a => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(a.GetAddressBytes())).ToList();

    public uint? LookupNetwork(string name) => null;

    public PortLookup? LookupPort(string name)
    {
        if (!_services.TryGetValue(name, out var e))
            return null;
        var tcp = e.Protos.Contains("tcp");
        var udp = e.Protos.Contains("udp");
        if (!tcp && !udp)
            return null;
        return new PortLookup(e.Port, tcp && udp ? -1 : tcp ? 6 : 17);
    }

    public int? LookupProtocol(string name) => _protocols.TryGetValue(name, out var v) ? v : null;

    public byte[]? LookupEther(string name) => null;
}
