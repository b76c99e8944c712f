using System.Diagnostics;

namespace Bpf.Testing;

/// <summary>Whether the <c>z3</c> SMT solver runs here; tests that need it skip with the reason otherwise.</summary>
internal static class Z3Solver
{
    private static readonly Lazy<string?> s_missing = new(() =>
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("z3", "-version") { RedirectStandardOutput = true, UseShellExecute = false });
            process!.WaitForExit(10_000);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"z3 is not installed ({e.Message}); apt-get install z3 to run the verification tests";
        }
    });

    /// <summary>Null when z3 runs; otherwise why not.</summary>
    public static string? MissingReason => s_missing.Value;
}

/// <summary>A fact skipped, with the reason, when z3 is missing.</summary>
internal sealed class Z3FactAttribute : FactAttribute
{
    public Z3FactAttribute()
    {
        if (Z3Solver.MissingReason is { } reason)
            Skip = reason;
    }
}

/// <summary>A theory skipped, with the reason, when z3 is missing.</summary>
internal sealed class Z3TheoryAttribute : TheoryAttribute
{
    public Z3TheoryAttribute()
    {
        if (Z3Solver.MissingReason is { } reason)
            Skip = reason;
    }
}
