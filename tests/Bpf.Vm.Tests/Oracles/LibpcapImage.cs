using Bpf.Testing;

namespace Bpf.Vm.Tests.Oracles;

/// <summary>libpcap's exported <c>bpf_image</c>, the line printer behind <c>tcpdump -d</c>.</summary>
internal static class LibpcapImage
{
    /// <summary>bpf_image's line for <paramref name="insn"/> at index <paramref name="n"/>.</summary>
    public static string Image(Instruction insn, int n) =>
        (LibpcapBuild.System ?? throw new InvalidOperationException(LibpcapBuild.SystemUnavailableReason)).Image(insn, n);
}
