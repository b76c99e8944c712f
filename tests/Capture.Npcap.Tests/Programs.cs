using Bpf.Vm;
using static Bpf.Vm.Opcodes;

namespace Capture.Npcap.Tests;

/// <summary>Hand-written programs, shaped unlike anything libpcap's compiler emits.</summary>
internal static class Programs
{
    public const uint MagicByte = 0x5A;
    public const uint TruncatedLength = 77;

    /// <summary>
    /// Accepts IPv4 UDP datagrams to <paramref name="port"/> whose payload starts with 0x5A, keeping
    /// 77 bytes of each: libpcap's compiler never looks into a UDP payload this way nor returns 77.
    /// With <paramref name="kernelRefused"/>, it first reads scratch memory it never wrote, which
    /// libpcap accepts (M[] starts at zero) but Linux's bpf_check_classic refuses.
    /// </summary>
    public static BpfProgram MagicUdp(int port, bool kernelRefused = false)
    {
        List<Instruction> prefix = kernelRefused ? [Instruction.Stmt(Ld | Mem, 0), Instruction.Stmt(Misc | Tax)] : [];
        Instruction[] body =
        [
            Instruction.Stmt(Ld | H | Abs, 12),                  // 0 ethertype
            Instruction.Jump(Jmp | Jeq | K, 0x0800, 0, 9),       // 1 IPv4?
            Instruction.Stmt(Ld | B | Abs, 23),                  // 2 protocol
            Instruction.Jump(Jmp | Jeq | K, 17, 0, 7),           // 3 UDP?
            Instruction.Stmt(Ld | H | Abs, 20),                  // 4 flags + fragment offset
            Instruction.Jump(Jmp | Jset | K, 0x1fff, 5, 0),      // 5 not a later fragment
            Instruction.Stmt(Ldx | B | Msh, 14),                 // 6 X = IP header length
            Instruction.Stmt(Ld | H | Ind, 16),                  // 7 UDP destination port
            Instruction.Jump(Jmp | Jeq | K, (uint)port, 0, 2),   // 8
            Instruction.Stmt(Ld | B | Ind, 22),                  // 9 first payload byte
            Instruction.Jump(Jmp | Jeq | K, MagicByte, 1, 0),    // 10
            Instruction.Stmt(Ret | K, 0),                        // 11
            Instruction.Stmt(Ret | K, TruncatedLength),          // 12
        ];
        return new BpfProgram([.. prefix, .. body]);
    }

    /// <summary>
    /// What libpcap 1.10.3 compiles for a live Linux handle, <c>tcpdump -i lo -dd 'vlan VID and udp'</c>:
    /// the tag is tested with the kernel's ancillary loads (<c>ldb [vlanp]</c>, <c>ldb [vlan_tci]</c>),
    /// because the kernel strips it from the frame before the socket filter runs.
    /// </summary>
    public static BpfProgram LibpcapLiveVlanUdp(uint vid) => Program(
    [
        (0x0, 0, 0, 0x00000000), (0x2, 0, 0, 0x00000000), (0x2, 0, 0, 0x00000001), (0x30, 0, 0, 0xfffff030),
        (0x15, 7, 0, 0x00000001), (0x0, 0, 0, 0x00000004), (0x2, 0, 0, 0x00000000), (0x2, 0, 0, 0x00000001),
        (0x28, 0, 0, 0x0000000c), (0x15, 2, 0, 0x00008100), (0x15, 1, 0, 0x000088a8), (0x15, 0, 22, 0x00009100),
        (0x30, 0, 0, 0xfffff030), (0x15, 0, 2, 0x00000001), (0x30, 0, 0, 0xfffff02c), (0x5, 0, 0, 0x00000001),
        (0x28, 0, 0, 0x0000000e), (0x54, 0, 0, 0x00000fff), (0x15, 0, 15, vid), (0x61, 0, 0, 0x00000001),
        (0x48, 0, 0, 0x0000000c), (0x15, 0, 3, 0x00000800), (0x61, 0, 0, 0x00000000), (0x50, 0, 0, 0x00000017),
        (0x15, 8, 9, 0x00000011), (0x15, 0, 8, 0x000086dd), (0x61, 0, 0, 0x00000000), (0x50, 0, 0, 0x00000014),
        (0x15, 4, 0, 0x00000011), (0x15, 0, 4, 0x0000002c), (0x61, 0, 0, 0x00000000), (0x50, 0, 0, 0x00000036),
        (0x15, 0, 1, 0x00000011), (0x6, 0, 0, 0x00040000), (0x6, 0, 0, 0x00000000),
    ]);

    private static BpfProgram Program((ushort Code, byte Jt, byte Jf, uint K)[] raw) =>
        new(raw.Select(r => new Instruction(r.Code, r.Jt, r.Jf, r.K)));
}
