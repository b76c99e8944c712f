namespace Bpf.Vm;

/// <summary>
/// Linux's special load offsets (<c>linux/filter.h</c>): absolute loads at
/// <see cref="AdOffset"/> + n read socket-buffer metadata instead of packet bytes, and loads at
/// <see cref="NetOffset"/> / <see cref="LinkLayerOffset"/> + n address the network or link-layer header.
/// libpcap's <c>bpf_image</c> prints the known ancillary offsets by name (<c>ldb [vlanp]</c>), and the
/// kernel's <c>bpf_check_classic</c> rejects every other offset at or above <see cref="AdOffset"/>.
/// </summary>
public static class AncillaryOffsets
{
    /// <summary><c>SKF_AD_OFF</c>, -0x1000 as an unsigned offset.</summary>
    public const uint AdOffset = 0xfffff000;

    /// <summary><c>SKF_NET_OFF</c>, -0x100000: loads relative to the network header.</summary>
    public const uint NetOffset = 0xfff00000;

    /// <summary><c>SKF_LL_OFF</c>, -0x200000: loads relative to the link-layer header.</summary>
    public const uint LinkLayerOffset = 0xffe00000;

    /// <summary><c>SKF_AD_MAX</c> in the kernel headers libpcap 1.10.3 was built with (the size of its name table).</summary>
    public const uint AdMax = 64;

    /// <summary><c>SKF_AD_PROTOCOL</c>: <c>skb-&gt;protocol</c>.</summary>
    public const uint Protocol = 0;
    /// <summary><c>SKF_AD_PKTTYPE</c>: <c>skb-&gt;pkt_type</c>.</summary>
    public const uint PacketType = 4;
    /// <summary><c>SKF_AD_IFINDEX</c>: the receiving interface index.</summary>
    public const uint InterfaceIndex = 8;
    /// <summary><c>SKF_AD_NLATTR</c>: netlink attribute lookup.</summary>
    public const uint NetlinkAttribute = 12;
    /// <summary><c>SKF_AD_NLATTR_NEST</c>: nested netlink attribute lookup.</summary>
    public const uint NetlinkAttributeNested = 16;
    /// <summary><c>SKF_AD_MARK</c>: <c>skb-&gt;mark</c>.</summary>
    public const uint Mark = 20;
    /// <summary><c>SKF_AD_QUEUE</c>: the receive queue.</summary>
    public const uint Queue = 24;
    /// <summary><c>SKF_AD_HATYPE</c>: the device's hardware address type.</summary>
    public const uint HardwareType = 28;
    /// <summary><c>SKF_AD_RXHASH</c>: the receive hash.</summary>
    public const uint ReceiveHash = 32;
    /// <summary><c>SKF_AD_CPU</c>: the current CPU.</summary>
    public const uint Cpu = 36;
    /// <summary><c>SKF_AD_ALU_XOR_X</c>: A ^= X.</summary>
    public const uint AluXorX = 40;
    /// <summary><c>SKF_AD_VLAN_TAG</c>: the stripped VLAN TCI.</summary>
    public const uint VlanTag = 44;
    /// <summary><c>SKF_AD_VLAN_TAG_PRESENT</c>: 1 when a VLAN tag was stripped.</summary>
    public const uint VlanTagPresent = 48;
    /// <summary><c>SKF_AD_PAY_OFFSET</c>: the payload offset.</summary>
    public const uint PayloadOffset = 52;
    /// <summary><c>SKF_AD_RANDOM</c>: a random number.</summary>
    public const uint Random = 56;
    /// <summary><c>SKF_AD_VLAN_TPID</c>: the stripped VLAN's TPID.</summary>
    public const uint VlanTpid = 60;

    // bpf_image.c's `offsets` table: the index is the offset above SKF_AD_OFF.
    private static readonly string?[] s_names = BuildNames();

    private static string?[] BuildNames()
    {
        var names = new string?[AdMax];
        names[Protocol] = "proto";
        names[PacketType] = "type";
        names[InterfaceIndex] = "ifidx";
        names[NetlinkAttribute] = "nla";
        names[NetlinkAttributeNested] = "nlan";
        names[Mark] = "mark";
        names[Queue] = "queue";
        names[HardwareType] = "hatype";
        names[ReceiveHash] = "rxhash";
        names[Cpu] = "cpu";
        names[AluXorX] = "xor_x";
        names[VlanTag] = "vlan_tci";
        names[VlanTagPresent] = "vlanp";
        names[PayloadOffset] = "poff";
        names[Random] = "random";
        names[VlanTpid] = "vlan_tpid";
        return names;
    }

    /// <summary>
    /// True when <paramref name="k"/> is <see cref="AdOffset"/> plus one of the known ancillary
    /// offsets (the set the kernel's <c>bpf_anc_helper</c> recognizes).
    /// </summary>
    public static bool IsKnown(uint k) => TryGetName(k, out _);

    /// <summary>The name libpcap's <c>bpf_image</c> prints for the absolute load offset <paramref name="k"/>, if any.</summary>
    public static bool TryGetName(uint k, out string name)
    {
        if (k >= AdOffset && k - AdOffset < AdMax && s_names[k - AdOffset] is { } known)
        {
            name = known;
            return true;
        }
        name = "";
        return false;
    }

    /// <summary>The absolute load offset whose <c>bpf_image</c> name is <paramref name="name"/>.</summary>
    public static bool TryGetOffset(ReadOnlySpan<char> name, out uint k)
    {
        for (var i = 0; i < s_names.Length; i++)
        {
            if (s_names[i] is { } known && name.SequenceEqual(known))
            {
                k = AdOffset + (uint)i;
                return true;
            }
        }
        k = 0;
        return false;
    }
}
