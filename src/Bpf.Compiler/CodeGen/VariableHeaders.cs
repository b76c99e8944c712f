using Bpf.Compiler.Ir;

using Bpf.Vm;

namespace Bpf.Compiler.CodeGen;

/// <summary>
/// The statements put at the start of the program that compute the lengths of variable-length
/// link-layer headers into their registers: radiotap, PPI, prism and AVS radio headers, the
/// 802.11 header itself, pflog headers, and the zeroed offsets <c>vlan</c> shifts at run time
/// (libpcap's insert_compute_vloffsets and its gen_load_*_llprefixlen helpers).
/// </summary>
internal static class VariableHeaders
{
    private static Stmt St(ushort code, uint k = 0) => new(code, k);

    /// <summary>Prepends the length computations to the root block's statements.</summary>
    public static void InsertComputeOffsets(CodeGenContext cx, Block root)
    {
        if (cx.OffLinkPl.Reg != -1 && cx.OffLinkHdr.IsVariable && cx.OffLinkHdr.Reg == -1)
            cx.OffLinkHdr.Reg = cx.AllocReg();
        var s = cx.OutermostLinkType switch
        {
            LinkType.PRISM_HEADER => PrismPrefixLength(cx),
            LinkType.IEEE802_11_RADIO_AVS => AvsPrefixLength(cx),
            LinkType.IEEE802_11_RADIO or LinkType.PPI => LittleEndianLengthAt2(cx),
            _ => null,
        };
        switch (cx.OutermostLinkType)
        {
            case LinkType.IEEE802_11:
            case LinkType.PRISM_HEADER:
            case LinkType.IEEE802_11_RADIO_AVS:
            case LinkType.IEEE802_11_RADIO:
            case LinkType.PPI:
                s = Wlan80211HeaderLength(cx, s, root.Stmts.Count > 0 ? root.Stmts[0] : null);
                break;
            case LinkType.PFLOG:
                s = PflogPrefixLength(cx);
                break;
        }
        if (s == null && cx.IsVlanVlOffset)
        {
            if (cx.OffLinkPl.Reg == -1)
                cx.OffLinkPl.Reg = cx.AllocReg();
            if (cx.OffLinkType.Reg == -1)
                cx.OffLinkType.Reg = cx.AllocReg();
            s = [St(Opcodes.Ld | Opcodes.W | Opcodes.Imm, 0), St(Opcodes.St, (uint)cx.OffLinkPl.Reg), St(Opcodes.St, (uint)cx.OffLinkType.Reg)];
        }
        if (s != null)
            root.Stmts.InsertRange(0, s);
    }

    /// <summary>For PPI: the per-packet DLT must be 802.11 (little-endian 105 at offset 4).</summary>
    public static Cond? PpiDltCheck(CodeGenContext cx) => cx.LinkType == LinkType.PPI
        ? Flow.Jump(cx, Opcodes.Jeq, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)LinkType.IEEE802_11),
            cx.S(Opcodes.Ld | Opcodes.W | Opcodes.Abs, 4))
        : null;

    // pflog: the header length byte, rounded up to a multiple of 4.
    private static List<Stmt>? PflogPrefixLength(CodeGenContext cx) => cx.OffLinkPl.Reg == -1 ? null :
    [
        St(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 0),
        St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 3),
        St(Opcodes.Alu | Opcodes.And | Opcodes.K, 0xfffffffc),
        St(Opcodes.St, (uint)cx.OffLinkPl.Reg),
        St(Opcodes.Misc | Opcodes.Tax),
    ];

    // Prism: 144 bytes, or an AVS header (cookie 0x80211000) whose length is at offset 4.
    private static List<Stmt>? PrismPrefixLength(CodeGenContext cx)
    {
        cx.NoOptimize = true;
        if (cx.OffLinkHdr.Reg == -1)
            return null;
        var jeqAvs = new JumpStmt(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 0x80211000);
        var loadAvsLen = St(Opcodes.Ld | Opcodes.W | Opcodes.Abs, 4);
        var jCommon = new JumpStmt(Opcodes.Jmp | Opcodes.Ja, 1);
        var loadPrismLen = St(Opcodes.Ld | Opcodes.W | Opcodes.Imm, 144);
        var store = St(Opcodes.St, (uint)cx.OffLinkHdr.Reg);
        jeqAvs.TrueTarget = loadAvsLen;
        jeqAvs.FalseTarget = loadPrismLen;
        jCommon.FalseTarget = store;
        return
        [
            St(Opcodes.Ld | Opcodes.W | Opcodes.Abs, 0),
            St(Opcodes.Alu | Opcodes.And | Opcodes.K, 0xFFFFF000),
            jeqAvs, loadAvsLen, jCommon, loadPrismLen, store,
            St(Opcodes.Misc | Opcodes.Tax),
        ];
    }

    // AVS: the big-endian header length at offset 4.
    private static List<Stmt>? AvsPrefixLength(CodeGenContext cx) => cx.OffLinkHdr.Reg == -1 ? null :
    [
        St(Opcodes.Ld | Opcodes.W | Opcodes.Abs, 4),
        St(Opcodes.St, (uint)cx.OffLinkHdr.Reg),
        St(Opcodes.Misc | Opcodes.Tax),
    ];

    // Radiotap and PPI: the little-endian 16-bit header length at offset 2.
    private static List<Stmt>? LittleEndianLengthAt2(CodeGenContext cx) => cx.OffLinkHdr.Reg == -1 ? null :
    [
        St(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 3),
        St(Opcodes.Alu | Opcodes.Lsh | Opcodes.K, 8),
        St(Opcodes.Misc | Opcodes.Tax),
        St(Opcodes.Ld | Opcodes.B | Opcodes.Abs, 2),
        St(Opcodes.Alu | Opcodes.Or | Opcodes.X),
        St(Opcodes.St, (uint)cx.OffLinkHdr.Reg),
        St(Opcodes.Misc | Opcodes.Tax),
    ];

    /// <summary>
    /// The 802.11 header length: 24 bytes, +2 for QoS data frames, then (radiotap only) rounded up
    /// to 4 when the radiotap flags say the driver padded it (libpcap's gen_load_802_11_header_len).
    /// </summary>
    private static List<Stmt>? Wlan80211HeaderLength(CodeGenContext cx, List<Stmt>? s, Stmt? next)
    {
        if (cx.OffLinkPl.Reg == -1)
            return s;
        cx.NoOptimize = true;
        s ??= [St(Opcodes.Ldx | Opcodes.Imm, cx.OffOutermostLinkHdr.ConstantPart)];
        var reg = (uint)cx.OffLinkPl.Reg;
        s.Add(St(Opcodes.Misc | Opcodes.Txa));
        s.Add(St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 24));
        s.Add(St(Opcodes.St, reg));
        s.Add(St(Opcodes.Ld | Opcodes.Ind | Opcodes.B, 0));
        var dataFrame1 = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x08);
        s.Add(dataFrame1);
        var dataFrame2 = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x04);
        dataFrame1.TrueTarget = dataFrame2;
        s.Add(dataFrame2);
        dataFrame1.FalseTarget = next;
        dataFrame2.TrueTarget = next;
        var qos = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x80);
        dataFrame2.FalseTarget = qos;
        s.Add(qos);
        var loadReg = St(Opcodes.Ld | Opcodes.Mem, reg);
        qos.TrueTarget = loadReg;
        s.Add(loadReg);
        s.Add(St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 2));
        s.Add(St(Opcodes.St, reg));
        if (cx.LinkType == LinkType.IEEE802_11_RADIO)
        {
            var present = St(Opcodes.Ld | Opcodes.Abs | Opcodes.W, 4);
            qos.FalseTarget = present;
            s.Add(present);
            var flagsPresent = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x02000000);
            flagsPresent.FalseTarget = next;
            s.Add(flagsPresent);
            var extPresent = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x00000080);
            s.Add(extPresent);
            flagsPresent.TrueTarget = extPresent;
            extPresent.TrueTarget = next;
            var tsftPresent = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x01000000);
            s.Add(tsftPresent);
            extPresent.FalseTarget = tsftPresent;
            var flagsWithTsft = St(Opcodes.Ld | Opcodes.Abs | Opcodes.B, 16);
            s.Add(flagsWithTsft);
            tsftPresent.TrueTarget = flagsWithTsft;
            var tsftDatapad = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x20);
            s.Add(tsftDatapad);
            var flagsNoTsft = St(Opcodes.Ld | Opcodes.Abs | Opcodes.B, 8);
            s.Add(flagsNoTsft);
            tsftPresent.FalseTarget = flagsNoTsft;
            var noTsftDatapad = new JumpStmt(Opcodes.Jmp | Opcodes.Jset | Opcodes.K, 0x20);
            s.Add(noTsftDatapad);
            var roundUp = St(Opcodes.Ld | Opcodes.Mem, reg);
            s.Add(roundUp);
            s.Add(St(Opcodes.Alu | Opcodes.Add | Opcodes.K, 3));
            s.Add(St(Opcodes.Alu | Opcodes.And | Opcodes.K, ~3u));
            s.Add(St(Opcodes.St, reg));
            tsftDatapad.TrueTarget = roundUp;
            tsftDatapad.FalseTarget = next;
            noTsftDatapad.TrueTarget = roundUp;
            noTsftDatapad.FalseTarget = next;
        }
        else
            qos.FalseTarget = next;
        return s;
    }
}
