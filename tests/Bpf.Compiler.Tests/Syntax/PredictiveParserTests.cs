using Bpf.Compiler.Syntax;
using Bpf.Testing;
using Xunit;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>
/// The predictive parser must return exactly the combinator grammar's tree wherever it returns one
/// (it is only a shortcut), and must take the shortcut for most real expressions (or it is no shortcut).
/// </summary>
public class PredictiveParserTests
{
    private static IEnumerable<string> CorpusExpressions() =>
        System.IO.Directory.GetFiles(TestData.File("expressions"), "*.txt")
            .SelectMany(File.ReadLines)
            .Where(line => line.Length > 0 && line[0] != '#')
            .Distinct(StringComparer.Ordinal);

    /// <summary>Null when the predictive parser declines; otherwise whether the grammar gives the same tree.</summary>
    private static bool? Agrees(string text, out string detail)
    {
        detail = "";
        var tokens = Lexer.Tokenize(text);
        var fast = PredictiveParser.TryParse(tokens);
        if (fast is null)
            return null;
        FilterExpression grammar;
        try
        {
            grammar = FilterParser.ParseTree(Lexer.Tokenize(text));
        }
        catch (FilterCompileException e)
        {
            detail = $"'{text}': the predictive parser returned {fast}, the grammar rejects it: {e.Message}";
            return false;
        }
        detail = $"'{text}': predictive {fast}, grammar {grammar}";
        return grammar.Equals(fast);
    }

    /// <summary>How many of <paramref name="texts"/> the predictive parser takes; each one it takes must give the grammar's tree.</summary>
    private static int TakenAndAgreeing(IEnumerable<string> texts) => AnsweredAndAgreeing(texts, Agrees);

    // A comparison of the predictive parser with the grammar on one text: null when the predictive parser
    // leaves the text to the grammar, otherwise whether the two agree (and, for a failure, how they differ).
    private delegate bool? ParserComparison(string text, out string detail);

    /// <summary>How many of <paramref name="texts"/> the predictive parser answers; <paramref name="compare"/> must agree on each.</summary>
    private static int AnsweredAndAgreeing(IEnumerable<string> texts, ParserComparison compare)
    {
        var answered = 0;
        foreach (var text in texts)
        {
            var same = compare(text, out var detail);
            if (same is null)
                continue;
            Assert.True(same.Value, detail);
            answered++;
        }
        return answered;
    }

    [Fact]
    public void Corpus_SameTreeAsTheGrammar_AndMostExpressionsTakeTheShortcut()
    {
        var texts = CorpusExpressions().ToList();
        var total = texts.Count;
        var taken = TakenAndAgreeing(texts);
        Assert.True(total > 500, $"{total} distinct corpus expressions");
        // Measured 2026-12-02: 472 of 604; the uncommon primitives (802.11, llc, pf, ATM, MTP, byte) and
        // the syntax errors go to the grammar, everything else takes the shortcut.
        Assert.True(taken > total * 3 / 4, $"only {taken} of {total} corpus expressions took the predictive parser");
    }

    [Theory]
    [InlineData(20261202)]
    [InlineData(12)]
    [InlineData(1)]
    public void RandomExpressions_SameTreeAsTheGrammar(int seed)
    {
        var random = new RandomSyntax(seed);
        var taken = TakenAndAgreeing(Enumerable.Range(0, 3000).Select(i => i % 3 == 2 ? random.Soup() : random.Expression()));
        Assert.True(taken > 300, $"only {taken} random expressions took the predictive parser");
    }

    [Theory]
    [InlineData("tcp port 80 or 443")]
    [InlineData("port 80 and (81 or 82)")]
    [InlineData("port 80 and not 81")]
    [InlineData("host (1.2.3.4 or 5.6.7.8) and port ((80))")]
    [InlineData("src or dst host a and dst and src net 10.0.0.0/8")]
    [InlineData("(tcp[13] & 2 != 0) and ip[2:2] - 20 > -len")]
    [InlineData("(ip[0] & 0xf) * 4 = 20 and not ether broadcast")]
    [InlineData("vlan (100) and mpls and pppoes 3 and geneve and vxlan 7")]
    [InlineData("tcp dst port ftp or ftp-data or domain")]
    [InlineData("ip6 net fe80::/10 or ether src aa:bb:cc:dd:ee:ff or $1f")]
    [InlineData("llc and llc i and llc rnr and llc ui and byte 0 & 1 and byte 5 = 2")]
    [InlineData("type data subtype qos-data or type 8 subtype 0x80 or type mgt or subtype beacon or dir tods or dir 2")]
    [InlineData("on en0 and ruleset foo and rnr 1 and srnr 2 and reason match and reason 3 and action pass")]
    [InlineData("lane or oamf4 or vpi 0 and vci > 5 or fisu or hmsu or sio = 3 or hopc != 1 or sls 15")]
    [InlineData("")]
    public void Shapes_SameTreeAsTheGrammar(string text)
    {
        var agrees = Agrees(text, out var detail);
        Assert.True(agrees, detail);
    }

    /// <summary>
    /// Null when the predictive parser does not word a syntax error for <paramref name="text"/>; otherwise
    /// whether the grammar reports the same error (kind, position and message).
    /// </summary>
    private static bool? SameSyntaxError(string text, out string detail)
    {
        detail = "";
        List<Token> tokens;
        try
        {
            tokens = Lexer.Tokenize(text);
        }
        catch (FilterCompileException)
        {
            return null;
        }
        var tree = PredictiveParser.TryParse(tokens, out var fast);
        if (fast is null)
            return null;
        if (tree is not null)
        {
            detail = $"'{text}': the predictive parser returned both {tree} and the error {fast.Message}";
            return false;
        }
        try
        {
            var grammar = FilterParser.ParseTree(Lexer.Tokenize(text));
            detail = $"'{text}': the predictive parser reported {fast.Message}, the grammar parses it: {grammar}";
            return false;
        }
        catch (FilterCompileException e)
        {
            detail = $"'{text}':\n  predictive {fast.Kind} at {fast.Position}: {fast.Message}\n  grammar    {e.Kind} at {e.Position}: {e.Message}";
            return e.Kind == fast.Kind && e.Position == fast.Position && e.Message == fast.Message;
        }
    }

    /// <summary>How many of <paramref name="texts"/> get a syntax error from the predictive parser; each must be the grammar's.</summary>
    private static int WordedAndAgreeing(IEnumerable<string> texts) => AnsweredAndAgreeing(texts, SameSyntaxError);

    /// <summary>
    /// <paramref name="text"/> and its near misses: every prefix and every one-word deletion (by spaces),
    /// and a few random insertions of words that start or end constructs.
    /// </summary>
    private static IEnumerable<string> WithMutations(string text, Random random)
    {
        string[] inserts = ["and", "or", "not", "(", ")", "[", "]", ":", "-", "=", "host", "port", "tcp", "ip", "src", "dst", "proto", "len", "1", "a", "1.2.3.4", "broadcast", "&", "\"x\""];
        yield return text;
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 1; i < words.Length; i++)
            yield return string.Join(' ', words.Take(i));
        for (int i = 0; i < words.Length; i++)
            yield return string.Join(' ', words.Where((_, j) => j != i));
        for (int k = 0; k < 3; k++)
        {
            var mutated = words.ToList();
            mutated.Insert(random.Next(mutated.Count + 1), inserts[random.Next(inserts.Length)]);
            yield return string.Join(' ', mutated);
        }
    }

    [Fact]
    public void Corpus_SyntaxErrorsWordedAsTheGrammar_AndMostTakeTheShortcut()
    {
        var texts = CorpusExpressions().ToList();
        var grammarErrors = texts.Count(text =>
        {
            try
            {
                FilterParser.ParseTree(Lexer.Tokenize(text));
                return false;
            }
            catch (FilterCompileException e)
            {
                return e.Message.StartsWith("can't parse", StringComparison.Ordinal) || e.Kind == FilterErrorKind.Syntax;
            }
        });
        var worded = WordedAndAgreeing(texts);
        // Measured 2026-12-02: the predictive parser words all 28 distinct corpus syntax errors.
        Assert.True(grammarErrors > 20, $"{grammarErrors} corpus syntax errors");
        Assert.True(worded > grammarErrors * 3 / 4, $"only {worded} of {grammarErrors} corpus syntax errors took the predictive parser");
    }

    [Theory]
    [InlineData(20261202)]
    [InlineData(12)]
    [InlineData(1)]
    public void MutatedExpressions_SyntaxErrorsWordedAsTheGrammar(int seed)
    {
        var random = new Random(seed);
        var syntax = new RandomSyntax(seed);
        var texts = CorpusExpressions().Concat(Enumerable.Range(0, 1500).Select(i => i % 2 == 0 ? syntax.Expression() : syntax.Soup()));
        var worded = WordedAndAgreeing(texts.SelectMany(text => WithMutations(text, random)));
        Assert.True(worded > 5000, $"only {worded} mutated expressions got their syntax error from the predictive parser");
    }

    [Theory]
    [InlineData("host")]
    [InlineData("tcp port")]
    [InlineData("protochain tcp")]
    [InlineData("and")]
    [InlineData("nosuchname")]
    [InlineData("tcp and")]
    [InlineData("tcp and or")]
    [InlineData("not )")]
    [InlineData("tcp ]")]
    [InlineData("(tcp")]
    [InlineData("port 80 udp")]
    [InlineData("(host a b)")]
    [InlineData("ip[")]
    [InlineData("ip[0")]
    [InlineData("ip[0] =")]
    [InlineData("ip[0] & = 1")]
    [InlineData("ip[0] = 1 x")]
    [InlineData("\"ip\"")]
    [InlineData("port 4294967296")]
    [InlineData("src")]
    [InlineData("tcp src")]
    [InlineData("src or dst ]")]
    [InlineData("ip addr1")]
    public void CommonSyntaxErrors_WordedByThePredictiveParser_AsTheGrammar(string text)
    {
        var same = SameSyntaxError(text, out var detail);
        Assert.True(same, same is null ? $"'{text}' was left to the grammar" : detail);
    }

    [Theory]
    [InlineData("(port 22 or port 23) = 1")]
    [InlineData("tcp and (10.0 or b")]
    [InlineData("src or")]
    [InlineData("tcp dst and ]")]
    [InlineData("type bogus")]
    public void ErrorsTheGrammarMayReadFurther_LeftToTheGrammar(string text)
    {
        PredictiveParser.TryParse(Lexer.Tokenize(text), out var fast);
        Assert.Null(fast);
    }

    [Theory]
    [InlineData("type data subtype beacon")]
    [InlineData("llc bogus")]
    [InlineData("action bogus")]
    [InlineData("dir bogus")]
    [InlineData("tcp port")]
    [InlineData("byte 0 + 1")]
    [InlineData("vpi (1 or 2)")]
    [InlineData("wlan type data")]
    public void UncommonOrInvalid_LeftToTheGrammar(string text) =>
        Assert.Null(PredictiveParser.TryParse(Lexer.Tokenize(text)));
}
