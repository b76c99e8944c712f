namespace Bpf.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: bpf <verb> ...");
        return 2;
    }
}
