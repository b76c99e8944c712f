namespace Bpf.Vm;

/// <summary>The three program dumps of <c>tcpdump -d</c>, <c>-dd</c> and <c>-ddd</c> (libpcap's <c>bpf_dump</c>).</summary>
public enum DumpFormat
{
    /// <summary><c>tcpdump -d</c>: one readable line per instruction, <c>(000) ldh      [12]</c>.</summary>
    Listing,

    /// <summary><c>tcpdump -dd</c>: a C array initializer, <c>{ 0x28, 0, 0, 0x0000000c },</c>.</summary>
    CArray,

    /// <summary><c>tcpdump -ddd</c>: the instruction count, then <c>code jt jf k</c> in decimal, <c>40 0 0 12</c>.</summary>
    Decimal,
}
