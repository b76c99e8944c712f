using Bpf.Vm;

namespace Bpf.Compiler;

/// <summary>What went wrong when compiling a filter expression.</summary>
public enum FilterErrorKind
{
    /// <summary>The text is not a filter expression: <c>tcp port</c>, <c>host (</c>, <c>ip[</c>.</summary>
    Syntax,
    /// <summary>A name that does not resolve: <c>host nosuchhost</c>, <c>port nosuchservice</c>, <c>ip proto nosuch</c>.</summary>
    UnknownName,
    /// <summary>Qualifiers that do not go together: <c>ip6 ether host</c>, <c>src port</c> with <c>arp</c>.</summary>
    InvalidQualifier,
    /// <summary>A number or address out of range: <c>port 70000</c>, <c>net 10.0.0.1/33</c>, non-network bits set.</summary>
    ValueOutOfRange,
    /// <summary>A primitive the link type cannot express: <c>wlan addr1</c> on Ethernet, <c>ether host</c> on RAW.</summary>
    UnsupportedForLinkType,
    /// <summary>The optimized program rejects every packet (libpcap's "expression rejects all packets").</summary>
    RejectsAllPackets,
    /// <summary>The generated program exceeds a limit (too many instructions or registers).</summary>
    TooComplex,
}

/// <summary>
/// A filter expression that cannot be compiled: the kind of error, the offset in the expression
/// where it was detected, and a message close to libpcap's.
/// </summary>
public sealed class FilterCompileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FilterCompileException(FilterErrorKind kind, int position, string message)
        : base(message)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary>What went wrong.</summary>
    public FilterErrorKind Kind { get; }

    /// <summary>The zero-based character offset in the expression (its length for errors at the end).</summary>
    public int Position { get; }
}
