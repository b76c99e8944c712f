using System.Text;
using Bpf.Vm;

namespace Bpf.Fuzz.Targets;

/// <summary>
/// The program text parsers (<c>tcpdump -d</c>, <c>-dd</c>, <c>-ddd</c> and detection) and the validator on
/// arbitrary text: only <see cref="BpfTextException"/> naming a line of the text may escape a parser;
/// every parsed program round-trips through the numeric formats exactly and through the listing to
/// the same listing; validating never throws, and a program libpcap's rules accept either runs on the
/// interpreter or is refused with <see cref="BpfValidationException"/> (an opcode bpf_filter lacks).
/// </summary>
internal sealed class ProgramTextTarget : IFuzzTarget
{
    public string Name => "program";

    public string Description => "-d/-dd/-ddd parsers and both validator profiles on text: only BpfTextException, round trips hold";

    public void Run(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input);
        var lines = text.Split('\n').Length;
        Check(text, lines, format: null);
        Check(text, lines, DumpFormat.Listing);
        Check(text, lines, DumpFormat.CArray);
        Check(text, lines, DumpFormat.Decimal);
    }

    private static void Check(string text, int lines, DumpFormat? format)
    {
        BpfProgram program;
        try
        {
            program = format is { } f ? BpfText.Parse(text, f) : BpfText.Parse(text);
        }
        catch (BpfTextException e)
        {
            FuzzFinding.Check(e.LineNumber >= 1 && e.LineNumber <= lines, $"{format}: error on line {e.LineNumber} of {lines}: {e.Message}");
            return;
        }
        foreach (var numeric in (ReadOnlySpan<DumpFormat>)[DumpFormat.CArray, DumpFormat.Decimal])
            FuzzFinding.Check(BpfText.Parse(BpfText.Format(program, numeric), numeric).Equals(program), $"{format}: {numeric} does not round-trip");
        var listing = BpfText.Format(program, DumpFormat.Listing);
        var relisted = BpfText.Format(BpfText.Parse(listing, DumpFormat.Listing), DumpFormat.Listing);
        FuzzFinding.Check(relisted == listing, $"{format}: the listing does not read back to itself");

        _ = BpfValidator.Validate(program, ValidationProfile.Kernel);
        if (!BpfValidator.Validate(program, ValidationProfile.Libpcap).IsValid)
            return;
        try
        {
            _ = new BpfInterpreter(program).Run([], 0);
        }
        catch (BpfValidationException e)
        {
            FuzzFinding.Check(e.Diagnostics.Count > 0 && e.Diagnostics[0].Kind == ValidationErrorKind.UnknownOpcode,
                $"{format}: a program the validator accepts is refused by the interpreter: {e.Message}");
        }
    }
}
