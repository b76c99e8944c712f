using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>libpcap's built-in name tables (nametoaddr.c's eproto_db and llc_db).</summary>
internal static class BuiltinNames
{
    private static readonly Dictionary<string, uint> s_etherProtos = new(StringComparer.Ordinal)
    {
        ["aarp"] = EtherType.Aarp, ["arp"] = EtherType.Arp, ["atalk"] = EtherType.Atalk, ["decnet"] = EtherType.Dn,
        ["ip"] = EtherType.IP, ["ip6"] = EtherType.IPv6, ["lat"] = EtherType.Lat, ["loopback"] = EtherType.Loopback,
        ["mopdl"] = EtherType.MopDl, ["moprc"] = EtherType.MopRc, ["rarp"] = EtherType.RevArp, ["sca"] = EtherType.Sca,
    };

    // Names the head's eproto_db adds.
    private static readonly Dictionary<string, uint> s_headEtherProtos = new(StringComparer.Ordinal)
    {
        ["lldp"] = 0x88cc, ["slow"] = 0x8809,
    };

    private static readonly Dictionary<string, uint> s_llcProtos = new(StringComparer.Ordinal)
    {
        ["iso"] = Llc.SapIsoNs, ["stp"] = Llc.Sap8021D, ["ipx"] = Llc.SapIpx, ["netbeui"] = Llc.SapNetbeui,
    };

    /// <summary>An Ethernet type name (pcap_nametoeproto), case-sensitive as in libpcap; the head knows more.</summary>
    public static uint? EtherProto(string name, bool head = false) =>
        s_etherProtos.TryGetValue(name, out var v) || (head && s_headEtherProtos.TryGetValue(name, out v)) ? v : null;

    /// <summary>An LLC SAP name (pcap_nametollc).</summary>
    public static uint? LlcProto(string name) => s_llcProtos.TryGetValue(name, out var v) ? v : null;
}
