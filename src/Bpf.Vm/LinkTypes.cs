using System.Globalization;

namespace Bpf.Vm;

/// <summary>
/// Conversions between <see cref="LinkType"/> (DLT_ values), their names, and the LINKTYPE_ values
/// stored in pcap and pcapng files (libpcap's <c>linktype_to_dlt</c> / <c>dlt_to_linktype</c>).
/// </summary>
public static class LinkTypes
{
    // The LINKTYPE_ values that differ from the Linux DLT_ values (pcap-common.c's map).
    private static readonly (int Dlt, int FileValue)[] s_renumbered =
    [
        ((int)LinkType.ATM_RFC1483, 100),
        ((int)LinkType.RAW, 101),
        ((int)LinkType.SLIP_BSDOS, 102),
        ((int)LinkType.PPP_BSDOS, 103),
        ((int)LinkType.ATM_CLIP, 106),
    ];

    /// <summary>
    /// Parses a link type by DLT name without the <c>DLT_</c> prefix (case-insensitive, the prefix
    /// is also accepted) or by number.
    /// </summary>
    public static bool TryParse(string text, out LinkType linkType)
    {
        ArgumentNullException.ThrowIfNull(text);
        var name = text.Trim();
        if (name.StartsWith("DLT_", StringComparison.OrdinalIgnoreCase))
            name = name[4..];
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 0)
        {
            linkType = (LinkType)number;
            return true;
        }
        if (name.Length > 0 && !char.IsDigit(name[0])
            && Enum.TryParse(name, ignoreCase: true, out linkType) && Enum.IsDefined(linkType))
            return true;
        linkType = default;
        return false;
    }

    /// <summary>Parses like <see cref="TryParse"/>.</summary>
    /// <exception cref="ArgumentException">The text names no known link type.</exception>
    public static LinkType Parse(string text) =>
        TryParse(text, out var linkType) ? linkType : throw new ArgumentException($"unknown data link type '{text}'", nameof(text));

    /// <summary>The DLT name without prefix (<c>EN10MB</c>), or the number when unnamed.</summary>
    public static string Name(LinkType linkType) =>
        Enum.IsDefined(linkType) ? linkType.ToString() : ((int)linkType).ToString(CultureInfo.InvariantCulture);

    /// <summary>Maps a file's LINKTYPE_ value (FCS bits already removed) to the DLT_ value.</summary>
    public static LinkType FromFileLinkType(uint fileValue)
    {
        foreach (var (dlt, file) in s_renumbered)
            if (file == fileValue)
                return (LinkType)dlt;
        return (LinkType)fileValue;
    }

    /// <summary>Maps a DLT_ value to the LINKTYPE_ value a file stores.</summary>
    public static uint ToFileLinkType(LinkType linkType)
    {
        foreach (var (dlt, file) in s_renumbered)
            if (dlt == (int)linkType)
                return (uint)file;
        return (uint)linkType;
    }
}
