using Bpf.Compiler;

namespace Bpf.Cli;

/// <summary>
/// The <c>--libpcap head|1.10</c> choice shared by every verb that compiles an expression: which
/// libpcap's language and programs to reproduce (the development head by default; 1.10 for exactly
/// what the system's libpcap 1.10 and tcpdump emit).
/// </summary>
internal static class LibpcapChoice
{
    /// <summary>The accepted words, in help order.</summary>
    public static readonly string[] Words = ["head", "1.10"];

    /// <summary>The mode a word of <see cref="Words"/> names (null: the default, head).</summary>
    public static LibpcapCompatibility Parse(string? word) =>
        word == "1.10" ? LibpcapCompatibility.V1_10 : LibpcapCompatibility.Head;

    /// <summary>
    /// The options the verbs that read capture files compile with: as <c>tcpdump -r</c> compiles, with the
    /// savefile open (<see cref="CompilerOptions.Savefile"/>; each file's byte order is added per file by
    /// <see cref="Bpf.Filtering.PacketFilterCache"/>) and netmask 0, the netmask tcpdump passes when it reads a
    /// file (so <c>ip broadcast</c> compiles, as it does for <c>tcpdump -r</c>).
    /// </summary>
    public static CompilerOptions ForFiles(string? word, bool optimize) => new()
    {
        Optimize = optimize,
        Compatibility = Parse(word),
        Savefile = true,
        Netmask = 0,
    };
}
