using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary><c>inbound</c>/<c>outbound</c> and <c>ifindex</c> (libpcap's gen_inbound, gen_ifindex).</summary>
internal static class Direction
{
    private const uint LinuxSllOutgoing = 4, PacketOutgoing = 4, PflogDirOffset = 60, PfIn = 1, PfOut = 2;

    /// <summary><c>inbound</c> (<paramref name="outbound"/> false) or <c>outbound</c>.</summary>
    public static Cond Inbound(CodeGenContext cx, bool outbound)
    {
        switch (cx.LinkType)
        {
            case LinkType.SLIP when cx.Head:
                // "Have outbound mean Tx only for DLT_SLIP": link[0] == SLIPDIR_OUT (1), not != SLIPDIR_IN.
                return cx.Cmp(OffsetBase.LinkHeader, 0, Opcodes.B, outbound ? 1u : 0u);
            case LinkType.SLIP:
            {
                // The first byte of the SLIP pseudo-header is the direction: link[0] == 0 is inbound.
                var a1 = Arithmetic.LoadImmediate(cx, 0);
                var a0 = Arithmetic.Load(cx, Syntax.ProtoQualifier.Link, Arithmetic.LoadImmediate(cx, 0), 1);
                return Arithmetic.Relation(cx, Opcodes.Jeq, a0, a1, outbound);
            }
            case LinkType.IPNET:
                return cx.Cmp(OffsetBase.LinkHeader, 2, Opcodes.H, outbound ? 1u : 2u); // IPNET_OUTBOUND, IPNET_INBOUND
            case LinkType.LINUX_SLL:
            {
                var b0 = cx.Cmp(OffsetBase.LinkHeader, 0, Opcodes.H, LinuxSllOutgoing);
                return outbound ? b0 : Not(b0);
            }
            case LinkType.LINUX_SLL2:
            {
                var b0 = cx.Cmp(OffsetBase.LinkHeader, 10, Opcodes.B, LinuxSllOutgoing);
                return outbound ? b0 : Not(b0);
            }
            case LinkType.PFLOG:
                return cx.Cmp(OffsetBase.LinkHeader, PflogDirOffset, Opcodes.B, outbound ? PfOut : PfIn);
            case LinkType.PPP_PPPD:
                return cx.Cmp(OffsetBase.LinkHeader, 0, Opcodes.B, outbound ? 1u : 0u);
            // The head reads the direction from the DSA tag: Broadcom's opcode (0 egress to the
            // CPU = inbound, 1 = outbound), Marvell's mode (To_CPU/To_Sniffer inbound, From_CPU outbound).
            case LinkType.DSA_TAG_BRCM when cx.Head:
                return cx.MCmp(OffsetBase.LinkHeader, 12, Opcodes.B, outbound ? 0x20u : 0x00u, 0xe0);
            case LinkType.DSA_TAG_DSA when cx.Head:
                return cx.MCmp(OffsetBase.LinkHeader, 12, Opcodes.B, outbound ? 0x40u : 0x00u, outbound ? 0xc0u : 0x40u);
            default:
                if (IsJuniper(cx.LinkType))
                    return cx.MCmp(OffsetBase.LinkHeader, 3, Opcodes.B, outbound ? 0u : 1u, 0x01);
                // The head: the socket metadata exists only on a live capture handle.
                if (!cx.Head && cx.Options.Savefile)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType,
                        $"inbound/outbound not supported on {cx.LinkTypeDescription} when reading savefiles");
                if (cx.Head && !cx.Options.LinuxKernelVlan)
                    return cx.Refuse(FilterErrorKind.UnsupportedForLinkType,
                        $"not a live capture, '{(outbound ? "outbound" : "inbound")}' not supported on {cx.LinkTypeForErrors}");
                // A live Linux handle: the packet type from the socket metadata.
                var b = cx.Cmp(OffsetBase.LinkHeader, LinuxAncillary.AdOffset + LinuxAncillary.PacketType, Opcodes.H, PacketOutgoing);
                return outbound ? b : Not(b);
        }
    }

    /// <summary>The Juniper link types, which share a cookie header with a direction bit.</summary>
    public static bool IsJuniper(LinkType t) => t is LinkType.JUNIPER_MFR or LinkType.JUNIPER_MLFR or LinkType.JUNIPER_MLPPP
        or LinkType.JUNIPER_ATM1 or LinkType.JUNIPER_ATM2 or LinkType.JUNIPER_PPPOE or LinkType.JUNIPER_PPPOE_ATM
        or LinkType.JUNIPER_GGSN or LinkType.JUNIPER_ES or LinkType.JUNIPER_MONITOR or LinkType.JUNIPER_SERVICES
        or LinkType.JUNIPER_ETHER or LinkType.JUNIPER_PPP or LinkType.JUNIPER_FRELAY or LinkType.JUNIPER_CHDLC
        or LinkType.JUNIPER_VP or LinkType.JUNIPER_ST or LinkType.JUNIPER_ISM or LinkType.JUNIPER_VS
        or LinkType.JUNIPER_SRX_E2E or LinkType.JUNIPER_FIBRECHANNEL or LinkType.JUNIPER_ATM_CEMIC;

    /// <summary><c>ifindex N</c>: the SLL2 header field, else the Linux socket metadata.</summary>
    public static Cond IfIndex(CodeGenContext cx, uint index)
    {
        if (cx.LinkType == LinkType.LINUX_SLL2)
            return cx.Cmp(OffsetBase.LinkHeader, 4, Opcodes.W, index);
        if (!cx.Head && cx.Options.Savefile)
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"ifindex not supported on {cx.LinkTypeDescription} when reading savefiles");
        if (cx.Head && !cx.Options.LinuxKernelVlan)
            return cx.Refuse(FilterErrorKind.UnsupportedForLinkType, $"not a live capture, 'ifindex' not supported on {cx.LinkTypeForErrors}");
        return cx.Cmp(OffsetBase.LinkHeader, LinuxAncillary.AdOffset + LinuxAncillary.InterfaceIndex, Opcodes.W, index);
    }
}
