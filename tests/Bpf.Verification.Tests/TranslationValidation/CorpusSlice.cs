using Bpf.Compiler.Tests.Differential;

namespace Bpf.Verification.Tests.TranslationValidation;

/// <summary>
/// Which corpus expressions a run proves. The whole corpus takes minutes, so CI proves one fixed slice
/// of <see cref="Slices"/> (every Slices-th expression), rotating by UTC day so every expression is
/// proved within <see cref="Slices"/> days; <c>BPF_VERIFY_SLICE=all</c> (the prove-corpus script)
/// proves every one, <c>BPF_VERIFY_SLICE=N</c> slice N.
/// </summary>
internal static class CorpusSlice
{
    public const int Slices = 8;

    /// <summary>The slice this run proves, or null for all.</summary>
    public static int? Current { get; } = Environment.GetEnvironmentVariable("BPF_VERIFY_SLICE") switch
    {
        "all" => null,
        { } text when int.TryParse(text, out var n) => ((n % Slices) + Slices) % Slices,
        _ => (int)(DateTime.UtcNow.Date - DateTime.UnixEpoch).TotalDays % Slices,
    };

    /// <summary>Human-readable: <c>slice 3 of 8</c> or <c>all</c>.</summary>
    public static string Description => Current is { } n ? $"slice {n} of {Slices}" : "all";

    /// <summary>The corpus lines of <paramref name="linkType"/> in this run's slice (by position in the whole corpus).</summary>
    public static IEnumerable<string> Expressions(string linkType) =>
        ExpressionCorpus.All
            .Select((entry, index) => (entry, index))
            .Where(e => e.entry.LinkType == linkType && (Current is not { } n || e.index % Slices == n))
            .Select(e => e.entry.Expression);

    /// <summary>Theory rows: one per link type of the corpus.</summary>
    public static TheoryData<string> LinkTypes()
    {
        var data = new TheoryData<string>();
        foreach (var linkType in ExpressionCorpus.LinkTypes)
            data.Add(linkType);
        return data;
    }
}
