using System.Text;
using Bpf.Vm;

namespace Udpcap;

/// <summary>
/// Builds the pcap-filter expression that lets through what some socket may want, in eCAL's shape:
/// UDP to a bound port, or any IPv4 fragment (its port is only known after reassembly), to a bound
/// unicast address (or any) or a joined group. The demultiplexer checks every datagram exactly; the
/// filter only spares the stack the rest of the traffic.
/// </summary>
internal static class CaptureFilterBuilder
{
    /// <summary>Returns the expression for <paramref name="bindings"/>, or null when nothing is bound.</summary>
    /// <param name="bindings">The bound sockets.</param>
    /// <param name="linkType">The capture's link type: on Ethernet, VLAN-tagged frames (up to two tags) pass too.</param>
    /// <param name="ownAddresses">This host's addresses besides 127.0.0.0/8.</param>
    public static string? Build(IReadOnlyList<SocketBinding> bindings, LinkType linkType, IReadOnlyList<uint> ownAddresses)
    {
        if (bindings.Count == 0)
            return null;
        var ports = bindings.Select(b => b.Port).Distinct().Order();
        var portPart = "(" + string.Join(" or ", ports.Select(p => $"udp dst port {p}")) + " or (ip[6:2] & 0x3fff != 0))";

        var unicast = bindings.Any(b => b.Address == 0)
            ? "not ip multicast"
            : "(not ip multicast and (" + string.Join(" or ", bindings.Select(b => b.Address).Distinct().Order().Select(a => $"dst host {Ipv4EndPoint.FormatAddress(a)}")) + "))";
        var groups = bindings.SelectMany(b => b.Groups).Distinct().Order().ToList();
        var addressPart = groups.Count == 0
            ? unicast
            : $"({unicast} or (ip multicast and (" + string.Join(" or ", groups.Select(g => $"dst host {Ipv4EndPoint.FormatAddress(g)}")) + ")))";

        var core = new StringBuilder($"ip and udp and {portPart} and {addressPart}");
        // Own multicast can be dropped early only when no socket wants it back.
        if (groups.Count > 0 && bindings.All(b => !b.MulticastLoopback))
        {
            var own = string.Concat(ownAddresses.Distinct().Order().Select(a => $" or src host {Ipv4EndPoint.FormatAddress(a)}"));
            core.Append($" and not (ip multicast and (src net 127.0.0.0/8{own}))");
        }
        var text = core.ToString();
        // libpcap's `vlan` shifts every later offset, so each alternative repeats the test after one more tag.
        return linkType == LinkType.EN10MB ? $"({text}) or (vlan and (({text}) or (vlan and ({text}))))" : text;
    }
}
