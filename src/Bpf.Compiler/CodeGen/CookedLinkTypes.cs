using Bpf.Vm;
using static Bpf.Compiler.CodeGen.Flow;

namespace Bpf.Compiler.CodeGen;

/// <summary>Linux cooked capture v1 protocol tests (libpcap's gen_linux_sll_linktype).</summary>
internal static class CookedLinkTypes
{
    // Pseudo protocol values the kernel puts in the SLL protocol field (pcap/sll.h).
    private const uint P8023 = 0x0001, P8022 = 0x0004;

    /// <summary>The SLL protocol field, with 802.2 frames checked through their LLC header.</summary>
    public static Cond LinuxSll(CodeGenContext cx, uint proto)
    {
        Cond b0, b1;
        switch (proto)
        {
            case Llc.SapIsoNs:
            case Llc.SapIP:
            case Llc.SapNetbeui:
                b0 = cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, P8022);
                return And(b0, cx.Cmp(OffsetBase.Llc, 0, Opcodes.H, (proto << 8) | proto));
            case Llc.SapIpx:
                b0 = cx.Cmp(OffsetBase.Llc, 0, Opcodes.B, Llc.SapIpx);
                b1 = Or(b0, cx.Snap(0x000000, EtherType.Ipx));
                b1 = And(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, P8022), b1);
                b1 = Or(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, P8023), b1);
                return Or(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, EtherType.Ipx), b1);
            case EtherType.Atalk:
            case EtherType.Aarp:
                b0 = cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, P8022);
                b1 = proto == EtherType.Atalk ? cx.Snap(0x080007, EtherType.Atalk) : cx.Snap(0x000000, EtherType.Aarp);
                b1 = And(b0, b1);
                return Or(cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto), b1);
            default:
                if (proto <= EtherType.Mtu)
                {
                    if (!cx.AssertMax("LLC DSAP", proto, 255))
                        return CodeGenContext.Placeholder;
                    b0 = cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, P8022);
                    return And(b0, cx.Cmp(OffsetBase.LinkHeader, cx.OffLinkPl.ConstantPart, Opcodes.B, proto));
                }
                if (!cx.AssertMax("EtherType", proto, 0xffff))
                    return CodeGenContext.Placeholder;
                return cx.Cmp(OffsetBase.LinkType, 0, Opcodes.H, proto);
        }
    }
}
