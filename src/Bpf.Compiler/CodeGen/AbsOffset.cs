using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// An offset from the start of the packet that may have a variable part kept in a scratch register
/// (libpcap's <c>bpf_abs_offset</c>): behind radiotap/PPI/prism headers, 802.11 headers of varying
/// length, pflog headers, or after <c>vlan</c>/<c>mpls</c>/<c>pppoes</c>/<c>geneve</c> shifted the layers.
/// </summary>
internal sealed class AbsOffset
{
    /// <summary>libpcap's OFFSET_NOT_SET: the link type has no such field.</summary>
    public const uint NotSet = 0xffffffff;

    /// <summary>The constant part of the offset.</summary>
    public uint ConstantPart { get; set; }

    /// <summary>True when a run-time value (in <see cref="Reg"/>) must be added.</summary>
    public bool IsVariable { get; set; }

    /// <summary>The scratch register holding the variable part, or -1 until one is allocated.</summary>
    public int Reg { get; set; } = -1;

    /// <summary>A copy (libpcap assigns these structs by value).</summary>
    public AbsOffset Clone() => new() { ConstantPart = ConstantPart, IsVariable = IsVariable, Reg = Reg };

    /// <summary>Makes this offset wholly variable: the value in scratch register <paramref name="reg"/>, no constant part.</summary>
    public void SetVariable(int reg)
    {
        Reg = reg;
        IsVariable = true;
        ConstantPart = 0;
    }

    /// <summary>Makes this a new offset again: constant 0, no variable part, no register.</summary>
    public void Clear()
    {
        ConstantPart = 0;
        IsVariable = false;
        Reg = -1;
    }

    /// <summary>Copies <paramref name="other"/>'s fields into this one.</summary>
    public void CopyFrom(AbsOffset other)
    {
        ConstantPart = other.ConstantPart;
        IsVariable = other.IsVariable;
        Reg = other.Reg;
    }
}

/// <summary>What a load offset is relative to (libpcap's <c>enum e_offrel</c>).</summary>
internal enum OffsetBase
{
    /// <summary>The start of the packet.</summary>
    Packet,
    /// <summary>The link-layer header.</summary>
    LinkHeader,
    /// <summary>The previous (outer) link-layer header.</summary>
    PrevLinkHeader,
    /// <summary>The 802.2 LLC header (the link-layer payload).</summary>
    Llc,
    /// <summary>The previous MPLS header (4 bytes before the network layer).</summary>
    PrevMplsHeader,
    /// <summary>The link-layer type field.</summary>
    LinkType,
    /// <summary>The network-layer header (link payload plus off_nl).</summary>
    LinkPayload,
    /// <summary>The network-layer header when no SNAP header is present (plus off_nl_nosnap).</summary>
    LinkPayloadNoSnap,
    /// <summary>The transport header after an IPv4 header (its length taken from the IHL field).</summary>
    TransportIPv4,
    /// <summary>The transport header after a fixed 40-byte IPv6 header.</summary>
    TransportIPv6,
}
