using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;
using Interop.Libpcap;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// <see cref="CodeGenOptions.LinuxKernelVlan"/>: what libpcap generates for a live Linux handle,
/// where <c>vlan</c> reads the kernel's VLAN metadata. Compared with pcap_compile on an activated
/// capture handle for the loopback device (needs root).
/// </summary>
public unsafe class LiveHandleVlanTests
{
    // pcap_create/pcap_activate through the one binding (the library the live backend uses).
    private static (Instruction[] Program, int Snaplen) CompileLive(string expression)
    {
        var errbuf = stackalloc byte[LibpcapNative.ErrorBufferSize * 2];
        var device = LibpcapNative.CString("lo");
        IntPtr p;
        fixed (byte* d = device)
            p = LibpcapNative.pcap_create(d, errbuf);
        Assert.True(p != IntPtr.Zero, "pcap_create failed");
        try
        {
            Assert.True(LibpcapNative.pcap_activate(p) >= 0, "pcap_activate failed");
            BpfProgramNative prog = default;
            var text = LibpcapNative.CString(expression);
            fixed (byte* t = text)
                Assert.Equal(0, LibpcapNative.pcap_compile(p, &prog, t, 0, LibpcapNative.NetmaskUnknown));
            var result = prog.ToArray();
            LibpcapNative.pcap_freecode(&prog);
            return (result, LibpcapNative.pcap_snapshot(p));
        }
        finally
        {
            LibpcapNative.pcap_close(p);
        }
    }

    private static ProtoAbbreviation P(ProtoQualifier p) => new(p, 0);
    private static AndExpression And(FilterExpression a, FilterExpression b) => new(a, b, 0);

    public static TheoryData<string> Names() => ["vlan", "vlan 10", "vlan and ip", "ip and vlan 7", "vlan 10 and vlan 20 and tcp", "inbound", "outbound", "ifindex 1",
        "not vlan", "vlan 5 or vlan 6", "vlan and port 53", "(vlan or arp) and ip"];

    private static FilterExpression Ast(string name) => name switch
    {
        "vlan" => new VlanExpression(null, 0),
        "vlan 10" => new VlanExpression(10, 0),
        "vlan and ip" => And(new VlanExpression(null, 0), P(ProtoQualifier.IP)),
        "ip and vlan 7" => And(P(ProtoQualifier.IP), new VlanExpression(7, 0)),
        "vlan 10 and vlan 20 and tcp" => And(And(new VlanExpression(10, 0), new VlanExpression(20, 0)), P(ProtoQualifier.Tcp)),
        "inbound" => new InboundExpression(false, 0),
        "outbound" => new InboundExpression(true, 0),
        "ifindex 1" => new IfIndexExpression(1, 0),
        "not vlan" => new NotExpression(new VlanExpression(null, 0), 0),
        "vlan 5 or vlan 6" => new OrExpression(new VlanExpression(5, 0), new VlanExpression(6, 0), 0),
        "vlan and port 53" => And(new VlanExpression(null, 0), new NumberId(new Qualifiers(ProtoQualifier.Default, DirQualifier.Default, AddrQualifier.Port), 53, 0)),
        _ => And(new OrExpression(new VlanExpression(null, 0), P(ProtoQualifier.Arp), 0), P(ProtoQualifier.IP)),
    };

    [LiveLibpcapFact]
    public void LoopbackIsEthernet_SoVlanUsesMetadata()
    {
        var (program, _) = CompileLive("vlan");
        Assert.Contains(program, i => i.K == LinuxAncillary.AdOffset + LinuxAncillary.VlanTagPresent);
    }

    [LiveLibpcapTheory]
    [MemberData(nameof(Names))]
    public void LiveHandle_MatchesLibpcapUnoptimized(string expression)
    {
        var (expected, snaplen) = CompileLive(expression);
        var root = CodeGenerator.Generate(Ast(expression), new CodeGenOptions(LinkType.EN10MB, snaplen, 0xffffffff, LinuxKernelVlan: true) { Compatibility = LibpcapCompatibility.V1_10 });
        Assert.Equal(expected, GraphLinearizer.Linearize(root));
    }
}

/// <summary>Skips unless libpcap is installed and live capture is possible (root on Linux).</summary>
internal sealed class LiveLibpcapFactAttribute : FactAttribute
{
    public LiveLibpcapFactAttribute() => Skip = LiveSkip.Reason;
}

/// <summary>The theory form of <see cref="LiveLibpcapFactAttribute"/>.</summary>
internal sealed class LiveLibpcapTheoryAttribute : TheoryAttribute
{
    public LiveLibpcapTheoryAttribute() => Skip = LiveSkip.Reason;
}

internal static class LiveSkip
{
    public static string? Reason =>
        !Libpcap.IsAvailable ? Libpcap.UnavailableReason
        : !OperatingSystem.IsLinux() ? "live capture tests run on Linux only"
        : Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" ? "live capture needs root (CI runs as root)"
        : null;
}
