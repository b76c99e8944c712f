using System.CommandLine;

using Bpf.Vm;

namespace Bpf.Cli;

/// <summary>tcpdump's printing flags, shared by the verbs that print packets (filter, capture).</summary>
internal sealed class PrintFlags
{
    private readonly Option<bool> _print = CliOptions.Flag("--print", "Print each matching packet on one line in tcpdump's style (implied by -n, -q, -e, -x, -X, -tttt, -# and -l).");

    private readonly Option<bool> _numeric = CliOptions.Flag("-n", "Print addresses and ports as numbers (always so here: names are never looked up), as tcpdump -n.");

    private readonly Option<bool> _quiet = CliOptions.Flag("-q", "Print less protocol detail, as tcpdump -q.");

    private readonly Option<bool> _linkHeader = CliOptions.Flag("-e", "Print the link-level header (Ethernet addresses and ethertype), as tcpdump -e.");

    private readonly Option<bool> _hex = CliOptions.Flag("-x", "Print each packet in hex after its line (from the network header), as tcpdump -x.");

    private readonly Option<bool> _hexAscii = CliOptions.Flag("-X", "Print each packet in hex and ASCII after its line, as tcpdump -X.");

    private readonly Option<bool> _fullDate = CliOptions.Flag("-tttt", "Print the date before the time of day, as tcpdump -tttt.");

    private readonly Option<bool> _number = CliOptions.Flag("-#", "Print each packet's number before its line, as tcpdump -# (--number).", "--number");

    private readonly Option<bool> _lineBuffered = CliOptions.Flag("-l", "Flush standard output after every packet line, as tcpdump -l.");

    /// <summary>Adds the flags to a verb's definition.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new[] { _print, _numeric, _quiet, _linkHeader, _hex, _hexAscii, _fullDate, _number, _lineBuffered })
            command.Options.Add(option);
    }

    /// <summary>A printer when any printing flag is given, else null.</summary>
    public PacketPrinter? Printer(ParseResult parse, bool always = false)
    {
        var options = new PrintOptions
        {
            Quiet = parse.GetValue(_quiet),
            LinkHeader = parse.GetValue(_linkHeader),
            Hex = parse.GetValue(_hex),
            HexAscii = parse.GetValue(_hexAscii),
            FullDate = parse.GetValue(_fullDate),
            Number = parse.GetValue(_number),
        };
        return always || options.Any || parse.GetValue(_print) || parse.GetValue(_numeric) || parse.GetValue(_lineBuffered)
            ? new PacketPrinter(options)
            : null;
    }

    /// <summary>Whether <c>-l</c> asks for a flush after every line.</summary>
    public bool LineBuffered(ParseResult parse) => parse.GetValue(_lineBuffered);
}

/// <summary>The expression from <c>-F FILE</c> or from the words on the command line.</summary>
internal static class ExpressionFiles
{
    /// <summary>The expression: the file's text without # comments (as tcpdump's read_infile), or the words joined with spaces.</summary>
    /// <exception cref="UsageException">Both a file and words.</exception>
    /// <exception cref="InputException">The file cannot be read.</exception>
    public static string Read(string? path, IReadOnlyList<string> words)
    {
        if (path is null)
            return string.Join(' ', words);
        if (words.Count > 0)
            throw new UsageException("give the expression either with -F FILE or as arguments, not both");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: {e.Message}", e);
        }
        var lines = text.ReplaceLineEndings("\n").Split('\n').Select(line => line.IndexOf('#') is var hash and >= 0 ? line[..hash] : line);
        return string.Join(' ', lines).Trim();
    }
}
