using System.Text;
using static Bpf.Verification.Smt.SmtText;

namespace Bpf.Verification.Encoding;

/// <summary>
/// The symbolic packet every encoded program reads: an array of bytes indexed by 32-bit offsets, the
/// captured length and the wire length (QF_ABV), plus the ancillary inputs the programs use.
/// </summary>
internal static class PacketSymbols
{
    public const string Packet = "pkt";
    public const string CaptureLength = "caplen";
    public const string WireLength = "wirelen";

    /// <summary>
    /// Declarations and the constraints of a real capture: caplen &lt;= wirelen and caplen &lt;= <paramref name="maxCaptureLength"/>
    /// (the snapshot length), and each ancillary input within its field's width.
    /// </summary>
    public static string Declare(uint maxCaptureLength, IEnumerable<uint> ancillaryOffsets)
    {
        var text = new StringBuilder();
        text.Append("(declare-fun ").Append(Packet).Append(" () (Array (_ BitVec 32) (_ BitVec 8)))\n");
        text.Append("(declare-fun ").Append(CaptureLength).Append(" () (_ BitVec 32))\n");
        text.Append("(declare-fun ").Append(WireLength).Append(" () (_ BitVec 32))\n");
        text.Append("(assert (bvule ").Append(CaptureLength).Append(' ').Append(WireLength).Append("))\n");
        text.Append("(assert (bvule ").Append(CaptureLength).Append(' ').Append(Word(maxCaptureLength)).Append("))\n");
        foreach (var k in ancillaryOffsets.Order())
        {
            var name = AncillaryInputs.Name(k);
            text.Append("(declare-fun ").Append(name).Append(" () (_ BitVec 32))\n");
            if (AncillaryInputs.MaxValue(k) != uint.MaxValue)
                text.Append("(assert (bvule ").Append(name).Append(' ').Append(Word(AncillaryInputs.MaxValue(k))).Append("))\n");
        }
        return text.ToString();
    }
}
