using Bpf.Vm;

namespace Capture.Pcapfile;

/// <summary>
/// libpcap's snapshot-length rules for files (pcap-common.c <c>max_snaplen_for_dlt</c>, savefile.c
/// <c>pcap_adjust_snapshot</c>): they bound every length a reader accepts, and so every buffer it grows.
/// </summary>
public static class SnaplenRules
{
    /// <summary>libpcap's MAXIMUM_SNAPLEN.</summary>
    public const int MaximumSnaplen = 262144;

    /// <summary>The largest captured length libpcap considers sane for a link type.</summary>
    public static uint MaxSnaplenFor(LinkType linkType) => linkType switch
    {
        LinkType.DBUS => 128 * 1024 * 1024,
        LinkType.EBHSCR => 8 * 1024 * 1024,
        LinkType.USBPCAP => 1024 * 1024,
        _ => MaximumSnaplen,
    };

    /// <summary>A file's snapshot length as libpcap uses it: 0 or more than int.MaxValue mean the maximum.</summary>
    public static int Adjust(LinkType linkType, uint snaplen) =>
        snaplen == 0 || snaplen > int.MaxValue ? (int)MaxSnaplenFor(linkType) : (int)snaplen;
}
