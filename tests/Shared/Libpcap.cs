using Bpf.Vm;

namespace Bpf.Testing;

/// <summary>
/// The system libpcap: the oracle of every differential test, the same library the live backend
/// calls (found by Interop.Libpcap's one search order) and the same oracle code as
/// <see cref="LibpcapBuild"/>, whose system build this forwards to. When libpcap is missing,
/// <see cref="IsAvailable"/> is false and <see cref="UnavailableReason"/> says why; tests use
/// <see cref="LibpcapFactAttribute"/> and friends to be skipped with that reason.
/// </summary>
internal static class Libpcap
{
    /// <summary>libpcap's PCAP_NETMASK_UNKNOWN.</summary>
    public const uint NetmaskUnknown = LibpcapBuild.NetmaskUnknown;

    public static bool IsAvailable => LibpcapBuild.System != null;
    public static string? UnavailableReason => LibpcapBuild.SystemUnavailableReason;
    public static string Version => LibpcapBuild.System?.Version ?? "";

    private static LibpcapBuild Build => LibpcapBuild.System ?? throw new InvalidOperationException(UnavailableReason);

    /// <summary>
    /// Compiles like <c>pcap_compile(pcap_open_dead(linkType, snaplen), expr, optimize, netmask)</c>.
    /// Returns the program, or null with libpcap's error message.
    /// </summary>
    public static Instruction[]? Compile(LinkType linkType, int snaplen, string expression, bool optimize, out string? error, uint netmask = NetmaskUnknown) =>
        Build.Compile(linkType, snaplen, expression, optimize, out error, netmask);

    /// <summary>libpcap's <c>bpf_filter</c> on the captured bytes with the given wire length.</summary>
    public static uint Filter(ReadOnlySpan<Instruction> program, ReadOnlySpan<byte> packet, uint wireLength) =>
        Build.Filter(program, packet, wireLength);

    /// <summary>libpcap's <c>bpf_validate</c>.</summary>
    public static bool Validate(ReadOnlySpan<Instruction> program) => Build.Validate(program);

    /// <summary>Reads a whole capture file with <c>pcap_open_offline</c> (nanosecond precision).</summary>
    /// <exception cref="InvalidDataException">libpcap refused the file or a record.</exception>
    public static (LinkType LinkType, int Snaplen, List<LibpcapBuild.Packet> Packets) ReadFile(string path) => Build.ReadFile(path);
}

/// <summary>A fact that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapFactAttribute : FactAttribute
{
    public LibpcapFactAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}

/// <summary>A theory that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapTheoryAttribute : TheoryAttribute
{
    public LibpcapTheoryAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}

/// <summary>An FsCheck property that is skipped, with the reason, when libpcap is not installed.</summary>
internal sealed class LibpcapPropertyAttribute : FsCheck.Xunit.PropertyAttribute
{
    public LibpcapPropertyAttribute()
    {
        if (!Libpcap.IsAvailable)
            Skip = Libpcap.UnavailableReason;
    }
}
