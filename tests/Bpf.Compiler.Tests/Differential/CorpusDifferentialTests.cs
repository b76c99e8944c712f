using Xunit.Abstractions;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Differential;

/// <summary>
/// The differential corpus: every expression of tests/data/expressions must compile (or fail) like
/// libpcap at -O and -O0, and our programs must return what libpcap's return on every corpus and
/// mutated packet. Known failures are skipped here and reported by <see cref="Report"/>.
/// </summary>
public class CorpusDifferentialTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (linkType, expression) in ExpressionCorpus.All)
            if (!ExpressionCorpus.KnownFailures.ContainsKey((linkType, expression)))
                data.Add(linkType, expression);
        return data;
    }

    [Bpf.Testing.LibpcapTheory]
    [MemberData(nameof(Cases))]
    public void Expression_BehavesLikeLibpcap(string linkType, string expression)
    {
        var outcome = DifferentialRunner.Run(linkType, expression);
        Assert.True(outcome.Failure == null, $"{linkType} '{expression}': {outcome.Failure}");
    }

    [Bpf.Testing.LibpcapFact]
    public void Corpus_IsLargeAndCoversTheMajorLinkTypes()
    {
        Assert.True(ExpressionCorpus.All.Count >= 300, $"only {ExpressionCorpus.All.Count} expressions");
        foreach (var linkType in new[] { "EN10MB", "LINUX_SLL", "RAW", "IPV4", "IPV6", "NULL", "PPP", "C_HDLC", "IEEE802_11", "IEEE802_11_RADIO", "FRELAY", "SLIP" })
            Assert.True(ExpressionCorpus.All.Count(e => e.LinkType == linkType) >= 30, linkType);
        foreach (var (key, reason) in ExpressionCorpus.KnownFailures)
        {
            Assert.Contains(key, ExpressionCorpus.All);
            Assert.False(string.IsNullOrWhiteSpace(reason), $"{key}: a known failure needs a reason");
        }
    }

    /// <summary>Figures for the lead: equivalence rate, identical programs, size ratio. Not asserted.</summary>
    [Bpf.Testing.LibpcapFact]
    public void Report()
    {
        var all = ExpressionCorpus.All.Select(e => (e.LinkType, e.Expression, Outcome: DifferentialRunner.Run(e.LinkType, e.Expression))).ToList();
        var equal = all.Count(a => a.Outcome.Failure == null);
        var compiled = all.Where(a => a.Outcome.BothCompiled).ToList();
        var ours = compiled.Sum(a => (long)a.Outcome.OursOptimized);
        var theirs = compiled.Sum(a => (long)a.Outcome.LibpcapOptimized);
        output.WriteLine($"expressions: {all.Count} over {ExpressionCorpus.LinkTypes.Count()} link types; both compile at -O: {compiled.Count}");
        output.WriteLine($"equivalent to libpcap (-O and -O0): {equal}/{all.Count} = {100.0 * equal / all.Count:F1}%");
        output.WriteLine($"instruction-identical: -O {all.Count(a => a.Outcome.IdenticalOptimized)}, -O0 {all.Count(a => a.Outcome.IdenticalUnoptimized)}");
        output.WriteLine($"-O instructions ours/libpcap: {ours}/{theirs} = {(theirs == 0 ? 0 : (double)ours / theirs):F4}");
        var rejected = all.Where(a => a.Outcome.Messages != null).ToList();
        var differing = rejected.Where(a => a.Outcome.Messages!.Value.Libpcap != a.Outcome.Messages!.Value.Ours).ToList();
        output.WriteLine($"both reject at -O: {rejected.Count}; same error message as libpcap: {rejected.Count - differing.Count}");
        foreach (var group in differing.GroupBy(a => a.Outcome.Messages!.Value).Take(40))
            output.WriteLine($"  message differs x{group.Count()} (e.g. {group.First().LinkType} '{group.First().Expression}'): libpcap '{group.Key.Libpcap}' ours '{group.Key.Ours}'");
        output.WriteLine($"known failures listed: {ExpressionCorpus.KnownFailures.Count}");
        foreach (var (key, reason) in ExpressionCorpus.KnownFailures)
        {
            var outcome = DifferentialRunner.Run(key.LinkType, key.Expression);
            output.WriteLine($"  {(outcome.Failure == null ? "NOW PASSES, remove" : "still fails")}: {key.LinkType} '{key.Expression}': {reason}");
        }
        foreach (var a in all.Where(a => a.Outcome.Failure != null && !ExpressionCorpus.KnownFailures.ContainsKey((a.LinkType, a.Expression))))
            output.WriteLine($"  UNLISTED FAILURE: {a.LinkType} '{a.Expression}': {a.Outcome.Failure!.Split('\n')[0]}");
    }
}
