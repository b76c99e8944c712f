using Bpf.Compiler;

namespace Bpf.Cli;

/// <summary>
/// The <c>--libpcap head|1.10</c> choice shared by every verb that compiles an expression: which
/// libpcap's language and programs to reproduce (the development head by default; 1.10 for exactly
/// what the system's libpcap 1.10 and tcpdump emit).
/// </summary>
internal static class LibpcapChoice
{
    /// <summary>The option's name.</summary>
    public const string Option = "--libpcap";

    /// <summary>The accepted words, in help order.</summary>
    public static readonly string[] Words = ["head", "1.10"];

    /// <summary>The mode a word names.</summary>
    /// <exception cref="UsageException">Another word.</exception>
    public static LibpcapCompatibility Parse(string? word) => word switch
    {
        null or "head" => LibpcapCompatibility.Head,
        "1.10" or "1.10.3" => LibpcapCompatibility.V1_10,
        _ => throw new UsageException($"option {Option}: '{word}' is not one of {string.Join(", ", Words)}"),
    };
}
