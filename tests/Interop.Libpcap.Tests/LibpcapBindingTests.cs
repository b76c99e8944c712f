using System.Diagnostics;
using Bpf.Testing;
using Bpf.Vm;

namespace Interop.Libpcap.Tests;

/// <summary>
/// The one binding: the resolver finds the library by its one search order, the source-generated
/// imports and the export table reach the same library, and a second build loads beside it.
/// </summary>
public unsafe class LibpcapBindingTests
{
    [LibpcapFact]
    public void Resolver_LoadsTheFirstCandidateThatExists_AndReportsIt()
    {
        Assert.True(LibpcapLibrary.IsAvailable);
        Assert.Null(LibpcapLibrary.UnavailableReason);
        Assert.Contains(LibpcapLibrary.File, LibpcapLibrary.Candidates);
        Assert.NotEqual(IntPtr.Zero, LibpcapLibrary.Handle);
        Assert.StartsWith("libpcap version ", LibpcapLibrary.Version, StringComparison.Ordinal);
    }

    [LibpcapFact]
    public void Version_IsTheOneTcpdumpLinks()
    {
        // tcpdump --version prints the libpcap it runs with: the same system library.
        var tcpdump = Process.Start(new ProcessStartInfo("tcpdump", "--version") { RedirectStandardOutput = true, RedirectStandardError = true });
        if (tcpdump is null)
            return;
        var text = tcpdump.StandardOutput.ReadToEnd() + tcpdump.StandardError.ReadToEnd();
        tcpdump.WaitForExit();
        var line = text.Split('\n').First(l => l.StartsWith("libpcap version", StringComparison.Ordinal));
        Assert.Equal(line.Trim(), LibpcapLibrary.Version.Trim());
    }

    [LibpcapFact]
    public void ExportTable_OfTheDefaultLibrary_IsTheLibraryTheImportsCall()
    {
        var exports = LibpcapExports.Default;
        Assert.NotNull(exports);
        Assert.Equal(LibpcapLibrary.File, exports.File);
        Assert.Equal(LibpcapLibrary.Version, exports.Version);
    }

    [LibpcapTheory]
    [InlineData(new byte[] { 0x08, 0x00 }, 262144u)]
    [InlineData(new byte[] { 0x86, 0xdd }, 0u)]
    [InlineData(new byte[] { 0x08 }, 0u)] // the load runs past the captured bytes
    public void BpfFilter_ThroughImportAndExports_Agree(byte[] etherType, uint expected)
    {
        // ldh [12]; jeq #0x800, accept, reject
        Instruction[] program =
        [
            new(Opcodes.Ld | Opcodes.H | Opcodes.Abs, 0, 0, 12),
            new(Opcodes.Jmp | Opcodes.Jeq | Opcodes.K, 0, 1, 0x800),
            new(Opcodes.Ret | Opcodes.K, 0, 0, 262144),
            new(Opcodes.Ret | Opcodes.K, 0, 0, 0),
        ];
        var packet = new byte[12 + etherType.Length];
        etherType.CopyTo(packet, 12);
        var exports = LibpcapExports.Default!;
        fixed (Instruction* pc = program)
        fixed (byte* p = packet)
        {
            Assert.Equal(expected, LibpcapNative.bpf_filter(pc, p, (uint)packet.Length, (uint)packet.Length));
            Assert.Equal(expected, exports.bpf_filter(pc, p, (uint)packet.Length, (uint)packet.Length));
        }
    }

    [LibpcapFact]
    public void PcapCompile_OnADeadHandle_GivesLibpcapsProgramOrItsError()
    {
        var p = LibpcapNative.pcap_open_dead((int)LinkType.EN10MB, 262144);
        Assert.NotEqual(IntPtr.Zero, p);
        try
        {
            BpfProgramNative program = default;
            var ok = LibpcapNative.CString("ip");
            fixed (byte* t = ok)
                Assert.Equal(0, LibpcapNative.pcap_compile(p, &program, t, 1, LibpcapNative.NetmaskUnknown));
            Assert.Equal(4u, program.Length); // ldh [12]; jeq #0x800; ret #262144; ret #0
            Assert.Equal(12u, program.ToArray()[0].K);
            LibpcapNative.pcap_freecode(&program);

            var bad = LibpcapNative.CString("port 99999999");
            fixed (byte* t = bad)
                Assert.Equal(-1, LibpcapNative.pcap_compile(p, &program, t, 1, LibpcapNative.NetmaskUnknown));
            Assert.Contains("port", LibpcapNative.LastError(p), StringComparison.Ordinal);
        }
        finally
        {
            LibpcapNative.pcap_close(p);
        }
    }

    [Fact]
    public void Load_OfAMissingFile_SaysSo()
    {
        Assert.Null(LibpcapExports.Load("/nonexistent/libpcap.so", out var reason));
        Assert.Equal("/nonexistent/libpcap.so does not exist", reason);
    }

    [Fact]
    public void Load_OfALibraryThatIsNotLibpcap_SaysSo()
    {
        var libc = new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib/aarch64-linux-gnu/libc.so.6" }.FirstOrDefault(File.Exists);
        if (libc is null)
            return;
        Assert.Null(LibpcapExports.Load(libc, out var reason));
        Assert.Contains("is not a libpcap", reason, StringComparison.Ordinal);
    }

    [HeadLibpcapFact]
    public void SecondBuild_LoadedByPath_ReachesItsOwnFunctions()
    {
        var head = LibpcapBuild.Head!;
        Assert.NotEqual(LibpcapLibrary.Version, head.Version);
        // vxlan is head-only syntax: it compiles through the head's table and not through the imports.
        Assert.NotNull(head.Compile(LinkType.EN10MB, 262144, "vxlan", true, out _));
        var p = LibpcapNative.pcap_open_dead((int)LinkType.EN10MB, 262144);
        try
        {
            BpfProgramNative program = default;
            var text = LibpcapNative.CString("vxlan");
            fixed (byte* t = text)
                Assert.NotEqual(0, LibpcapNative.pcap_compile(p, &program, t, 1, LibpcapNative.NetmaskUnknown));
        }
        finally
        {
            LibpcapNative.pcap_close(p);
        }
    }
}
