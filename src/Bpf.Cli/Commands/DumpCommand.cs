using Bpf.Vm;

namespace Bpf.Cli.Commands;

/// <summary><c>bpf dump -d|-dd|-ddd PROG</c>: converts a program between tcpdump's dump formats.</summary>
internal sealed class DumpCommand : ICommand
{
    public string Name => "dump";

    public string Usage => "dump -d|-dd|-ddd PROG";

    public int Run(IReadOnlyList<string> args, CliContext context)
    {
        var reader = new ArgumentReader(args, [], ["-d", "-dd", "-ddd"]);
        if (reader.Operands.Count != 1)
            throw new UsageException("expected one program file (- for standard input)");
        var format = DumpFormats.FromFlags(reader) ?? DumpFormat.Listing;
        var program = ProgramFiles.Load(reader.Operands[0], context);
        context.Out.Write(BpfText.Format(program, format));
        return Program.ExitOk;
    }
}

/// <summary>The -d / -dd / -ddd flags shared by several verbs.</summary>
internal static class DumpFormats
{
    /// <summary>The format the flags ask for, or null when none is given.</summary>
    /// <exception cref="UsageException">More than one is given.</exception>
    public static DumpFormat? FromFlags(ArgumentReader reader)
    {
        var chosen = new List<DumpFormat>();
        if (reader.Has("-d"))
            chosen.Add(DumpFormat.Listing);
        if (reader.Has("-dd"))
            chosen.Add(DumpFormat.CArray);
        if (reader.Has("-ddd"))
            chosen.Add(DumpFormat.Decimal);
        return chosen.Count switch
        {
            0 => null,
            1 => chosen[0],
            _ => throw new UsageException("give only one of -d, -dd, -ddd"),
        };
    }
}
