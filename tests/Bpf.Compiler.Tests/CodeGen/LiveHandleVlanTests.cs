using System.Runtime.InteropServices;
using Bpf.Compiler.CodeGen;
using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.CodeGen;

/// <summary>
/// <see cref="CodeGenOptions.LinuxKernelVlan"/>: what libpcap generates for a live Linux handle,
/// where <c>vlan</c> reads the kernel's VLAN metadata. Compared with pcap_compile on an activated
/// capture handle for the loopback device (needs root).
/// </summary>
public unsafe class LiveHandleVlanTests
{
    private const string Lib = "libpcap.so.0.8";

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeProgram
    {
        public uint Length;
        public Instruction* Instructions;
    }

    [DllImport(Lib)] private static extern IntPtr pcap_create([MarshalAs(UnmanagedType.LPStr)] string source, byte* errbuf);
    [DllImport(Lib)] private static extern int pcap_activate(IntPtr p);
    [DllImport(Lib)] private static extern void pcap_close(IntPtr p);
    [DllImport(Lib)] private static extern int pcap_compile(IntPtr p, NativeProgram* fp, [MarshalAs(UnmanagedType.LPStr)] string str, int optimize, uint netmask);
    [DllImport(Lib)] private static extern void pcap_freecode(NativeProgram* fp);
    [DllImport(Lib)] private static extern int pcap_snapshot(IntPtr p);

    private static (Instruction[] Program, int Snaplen) CompileLive(string expression)
    {
        var errbuf = stackalloc byte[512];
        var p = pcap_create("lo", errbuf);
        Assert.True(p != IntPtr.Zero, "pcap_create failed");
        try
        {
            Assert.True(pcap_activate(p) >= 0, "pcap_activate failed");
            NativeProgram prog = default;
            Assert.Equal(0, pcap_compile(p, &prog, expression, 0, 0xffffffff));
            var result = new ReadOnlySpan<Instruction>(prog.Instructions, (int)prog.Length).ToArray();
            pcap_freecode(&prog);
            return (result, pcap_snapshot(p));
        }
        finally
        {
            pcap_close(p);
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
