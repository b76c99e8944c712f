using Bpf.Vm;

namespace Capture.Pcapfile.PcapNg;

/// <summary>
/// Parses the fixed part and options of an Interface Description Block with libpcap's checks
/// (sf-pcapng.c <c>add_interface</c> and <c>process_idb_options</c>).
/// </summary>
internal static class InterfaceOptions
{
    internal const int LinkTypeOffset = 0;
    internal const int SnaplenOffset = 4;
    internal const int FixedSize = 8;

    private const ushort EndOfOptions = 0;
    private const ushort TimestampResolution = 9;
    private const ushort FcsLength = 13;
    private const ushort TimestampOffset = 14;
    private const int OptionHeaderSize = 4;

    /// <summary>Parses an IDB body.</summary>
    /// <exception cref="InvalidDataException">The body or an option is malformed.</exception>
    public static PcapNgInterface Parse(ReadOnlySpan<byte> body, bool bigEndian, long offset)
    {
        if (body.Length < FixedSize)
            CaptureFileError.Throw(offset, $"interface description block is too short ({body.Length} bytes of body)");
        var linkType = LinkTypes.FromFileLinkType(PcapNgBlockHeader.Read16(body, bigEndian));
        var snaplen = SnaplenRules.Adjust(linkType, PcapNgBlockHeader.Read32(body[SnaplenOffset..], bigEndian));
        ulong units = 1_000_000, tsOffset = 0;
        bool binary = false, sawResolution = false, sawOffset = false;
        int? fcs = null;
        var options = body[FixedSize..];
        while (!options.IsEmpty)
        {
            if (options.Length < OptionHeaderSize)
                CaptureFileError.Throw(offset, "interface description block is too short for an option header");
            var code = PcapNgBlockHeader.Read16(options, bigEndian);
            int length = PcapNgBlockHeader.Read16(options[2..], bigEndian);
            var padded = (length + 3) & ~3;
            if (options.Length - OptionHeaderSize < padded)
                CaptureFileError.Throw(offset, $"interface description block is too short for option {code} of length {length}");
            var value = options.Slice(OptionHeaderSize, length);
            options = options[(OptionHeaderSize + padded)..];
            switch (code)
            {
                case EndOfOptions:
                    if (length != 0)
                        CaptureFileError.Throw(offset, $"interface description block has opt_endofopt option with length {length} != 0");
                    return new PcapNgInterface(linkType, snaplen, units, binary, tsOffset, fcs);
                case TimestampResolution:
                    if (length != 1)
                        CaptureFileError.Throw(offset, $"interface description block has if_tsresol option with length {length} != 1");
                    if (sawResolution)
                        CaptureFileError.Throw(offset, "interface description block has more than one if_tsresol option");
                    sawResolution = true;
                    (units, binary) = Resolution(value[0], offset);
                    break;
                case TimestampOffset:
                    if (length != 8)
                        CaptureFileError.Throw(offset, $"interface description block has if_tsoffset option with length {length} != 8");
                    if (sawOffset)
                        CaptureFileError.Throw(offset, "interface description block has more than one if_tsoffset option");
                    sawOffset = true;
                    tsOffset = (ulong)PcapNgBlockHeader.Read32(value, bigEndian) << (bigEndian ? 32 : 0)
                        | (ulong)PcapNgBlockHeader.Read32(value[4..], bigEndian) << (bigEndian ? 0 : 32);
                    break;
                case FcsLength:
                    // libpcap ignores if_fcslen; the specification gives it in bits.
                    if (length == 1)
                        fcs = value[0] / 8;
                    break;
            }
        }
        return new PcapNgInterface(linkType, snaplen, units, binary, tsOffset, fcs);
    }

    private static (ulong Units, bool Binary) Resolution(byte value, long offset)
    {
        if ((value & 0x80) != 0)
        {
            var shift = value & 0x7F;
            if (shift > 63)
                CaptureFileError.Throw(offset, $"interface description block if_tsresol option resolution 2^-{shift} is too high");
            return (1UL << shift, true);
        }
        // 10^19 is the largest power of 10 that fits in 64 bits.
        if (value > 19)
            CaptureFileError.Throw(offset, $"interface description block if_tsresol option resolution 10^-{value} is too high");
        ulong units = 1;
        for (var i = 0; i < value; i++)
            units *= 10;
        return (units, false);
    }
}
