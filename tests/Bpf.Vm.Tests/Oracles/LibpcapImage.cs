using System.Runtime.InteropServices;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Vm.Tests.Oracles;

/// <summary>libpcap's exported <c>bpf_image</c>, the line printer behind <c>tcpdump -d</c>.</summary>
internal static unsafe class LibpcapImage
{
    private static readonly object s_lock = new();

    // Touching Libpcap first installs its resolver that maps "pcap" to the installed library.
    static LibpcapImage() => _ = Libpcap.IsAvailable;

    [DllImport("pcap")] private static extern IntPtr bpf_image(Instruction* p, int n);

    /// <summary>bpf_image's line for <paramref name="insn"/> at index <paramref name="n"/>.</summary>
    public static string Image(Instruction insn, int n)
    {
        // bpf_image returns a static buffer: one caller at a time.
        lock (s_lock)
            return Marshal.PtrToStringAnsi(bpf_image(&insn, n)) ?? "";
    }
}
