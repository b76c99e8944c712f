using System.Globalization;

namespace Bpf.Verification.Tests.TranslationValidation;

/// <summary>One proof attempt of the corpus tests.</summary>
internal sealed record Proof(string Kind, string LinkType, string Expression, string Status, double Milliseconds, string? Detail = null);

/// <summary>
/// Appends every proof to the TSV file named by <c>BPF_VERIFY_REPORT</c> (the prove-corpus script sums it
/// into counts and solver times); without it, nothing is written.
/// </summary>
internal static class ProofLog
{
    private static readonly object s_lock = new();
    private static readonly string? s_path = Environment.GetEnvironmentVariable("BPF_VERIFY_REPORT");

    public static void Write(Proof proof)
    {
        if (s_path is null)
            return;
        var line = string.Join('\t', proof.Kind, proof.LinkType, proof.Expression, proof.Status,
            proof.Milliseconds.ToString("F1", CultureInfo.InvariantCulture), (proof.Detail ?? "").ReplaceLineEndings(" "));
        lock (s_lock)
            File.AppendAllText(s_path, line + "\n");
    }
}
