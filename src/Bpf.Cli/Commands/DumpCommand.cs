using System.CommandLine;

using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf dump -d|-dd|-ddd PROG</c>: converts a program between tcpdump's dump formats.</summary>
internal sealed class DumpCommand : IVerb
{
    private readonly DumpFormatOptions _format = new();

    private readonly Argument<string> _program = new("PROG") { Description = "A program file in any of tcpdump's -d, -dd or -ddd forms; - reads standard input." };

    public DumpCommand()
    {
        Definition = new Command("dump", "Converts a program between tcpdump's dump formats.") { _program };
        foreach (var option in _format.All)
            Definition.Options.Add(option);
    }

    public Command Definition { get; }

    public int Run(ParseResult parse, CliContext context)
    {
        var format = _format.From(parse) ?? DumpFormat.Listing;
        var program = ProgramFiles.Load(parse.GetValue(_program)!, context);
        context.Out.Write(BpfText.Format(program, format));
        return Program.ExitOk;
    }
}
