using Bpf.Fuzz.Targets;
using SharpFuzz;

namespace Bpf.Fuzz;

/// <summary>
/// The fuzz harness. <c>Bpf.Fuzz --list</c> prints the targets; <c>Bpf.Fuzz TARGET</c> runs one under
/// afl-fuzz (SharpFuzz's out-of-process fork server: an input that kills the process, a segfault
/// on a guard page included, is reported as a crash); <c>Bpf.Fuzz TARGET FILE...</c> runs files once
/// each in this process and prints what each did, to replay a crash or check a corpus.
/// </summary>
internal static class Program
{
    /// <summary>Every target, by the name fuzz/run and the corpora use.</summary>
    private static readonly IFuzzTarget[] s_targets =
    [
        new PcapTarget(),
        new PcapNgTarget(),
        new ExpressionTarget(),
        new ProgramTextTarget(),
        new EnginesTarget(),
        new UdpcapTarget(),
    ];

    /// <summary>Inputs above this size are cut: the targets' formats need no more, and AFL favours small inputs.</summary>
    private const int MaxInput = 1 << 20;

    private static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "--list")
        {
            foreach (var target in s_targets)
                Console.WriteLine($"{target.Name}\t{target.Description}");
            return 0;
        }
        if (args.Length == 3 && args[0] == "--make-seeds")
            return SeedMaker.Make(args[1], args[2]);
        var chosen = args.Length >= 1 ? Array.Find(s_targets, t => t.Name == args[0]) : null;
        if (chosen is null)
        {
            Console.Error.WriteLine($"usage: Bpf.Fuzz --list | TARGET [FILE...]; targets: {string.Join(", ", s_targets.Select(t => t.Name))}");
            return 2;
        }
        if (args.Length > 1)
            return Replay(chosen, args[1..]);
        Fuzzer.OutOfProcess.Run(stream => chosen.Run(ReadAll(stream)));
        return 0;
    }

    // Runs each file once; a finding prints the exception and makes the exit status 1.
    private static int Replay(IFuzzTarget target, string[] files)
    {
        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"{file}: {e}");
            }
        }
        Console.WriteLine($"replayed {files.Length} inputs, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var memory = new MemoryStream();
        var chunk = new byte[65536];
        int read;
        while (memory.Length < MaxInput && (read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxInput - memory.Length))) > 0)
            memory.Write(chunk, 0, read);
        return memory.ToArray();
    }
}
