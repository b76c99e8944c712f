using Bpf.Compiler.Syntax;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>scanner.l's token rules: keywords and aliases, numbers, addresses, names, operators, errors.</summary>
public sealed class LexerTests
{
    private static string Describe(string text) =>
        string.Join(" ", Lexer.Tokenize(text).Select(t => t.Kind switch
        {
            TokenKind.Num => $"Num:{t.Number}",
            TokenKind.End => "End",
            _ => $"{t.Kind}:{t.Text}",
        }));

    [Theory]
    [InlineData("and && or || not !", "Keyword:and Keyword:and Keyword:or Keyword:or Punct:! Punct:! End")]
    [InlineData("link ether ppp slip fddi tr wlan", "Keyword:link Keyword:link Keyword:link Keyword:link Keyword:link Keyword:link Keyword:link End")]
    [InlineData("address1 addr2 direction length on rset rulenum subrulenum lsu es-is is-is",
        "Keyword:addr1 Keyword:addr2 Keyword:dir Keyword:len Keyword:ifname Keyword:ruleset Keyword:rnr Keyword:srnr Keyword:lssu Keyword:esis Keyword:isis End")]
    [InlineData("== = != >= <= << >> < > + - * / % & | ^ [ ] : ( )",
        "Punct:= Punct:= Punct:!= Punct:>= Punct:<= Punct:<< Punct:>> Punct:< Punct:> Punct:+ Punct:- Punct:* Punct:/ Punct:% Punct:& Punct:| Punct:^ Punct:[ Punct:] Punct:: Punct:( Punct:) End")]
    [InlineData("ip[0]&0xf!=5", "Keyword:ip Punct:[ Num:0 Punct:] Punct:& Num:15 Punct:!= Num:5 End")]
    [InlineData("tcp-syn icmp6-echo tcpflags icmptype icmp-echoreply", "Num:2 Num:128 Num:13 Num:0 Num:0 End")]
    [InlineData("tcp-synx hosts Host port80 ftp-data", "Id:tcp-synx Id:hosts Id:Host Id:port80 Id:ftp-data End")]
    [InlineData("0x1F 017 42 0 0xffffffff 01777777777 4294967295", "Num:31 Num:15 Num:42 Num:0 Num:4294967295 Num:268435455 Num:4294967295 End")]
    [InlineData("0x 1e3 1. 1-1024 a_b", "Id:0x Id:1e3 Id:1. Id:1-1024 Id:a_b End")]
    [InlineData("1.2 1.2.3 1.2.3.4 0x1.2", "Hid:1.2 Hid:1.2.3 Hid:1.2.3.4 Hid:0x1.2 End")]
    [InlineData("1.2.3.4.5 1.2.3.4.5.6", "Id:1.2.3.4.5 Eid:1.2.3.4.5.6 End")]
    // Twelve hex digits are a MAC address before they are a number (scanner.l lists {MAC} first).
    [InlineData("037777777777 123456789012", "Eid:037777777777 Eid:123456789012 End")]
    [InlineData("aa:bb:cc:dd:ee:ff a-b-c-d-e-f 0011.2233.4455 001122334455 a.b.c.d.e.f",
        "Eid:aa:bb:cc:dd:ee:ff Eid:a-b-c-d-e-f Eid:0011.2233.4455 Eid:001122334455 Eid:a.b.c.d.e.f End")]
    [InlineData("::1 fe80:: 1:2:3:4:5:6:7:8 ::ffff:1.2.3.4 1:: :: 1:2:3:4:5:6:1.2.3.4",
        "Hid6:::1 Hid6:fe80:: Hid6:1:2:3:4:5:6:7:8 Hid6:::ffff:1.2.3.4 Hid6:1:: Hid6::: Hid6:1:2:3:4:5:6:1.2.3.4 End")]
    [InlineData("fe80::/10", "Hid6:fe80:: Punct:/ Num:10 End")]
    [InlineData("$1f $a", "Aid:$1f Aid:$a End")]
    [InlineData("\\foo \\a+b[1]", "Id:foo Id:a+b[1] End")]
    [InlineData("", "End")]
    public void Tokenize_FollowsScannerRules(string text, string expected)
    {
        Assert.Equal(expected, Describe(text));
    }

    [Theory]
    [InlineData("4294967296", "number 4294967296 overflows 32 bits")]
    [InlineData("99999999999", "number 99999999999 overflows 32 bits")]
    [InlineData("0x100000000", "number 0x100000000 overflows 32 bits")]
    [InlineData("0400000000000", "number 0400000000000 overflows 32 bits")]
    [InlineData("08", "number 08 contains non-octal digit")]
    [InlineData("::1.2.3.256", "bogus IPv6 address ::1.2.3.256")]
    [InlineData("::01.2.3.4", "bogus IPv6 address ::01.2.3.4")]
    [InlineData("aa:bb:cc:dd:ee:ff:11", "bogus ethernet address aa:bb:cc:dd:ee:ff:")]
    [InlineData("1:2:", "bogus ethernet address 1:2:")]
    [InlineData("#", "")]
    [InlineData("$", "")]
    [InlineData("\f", "")]
    public void Tokenize_ReportsScannerErrors(string text, string message)
    {
        var last = Lexer.Tokenize(text)[^1];
        Assert.Equal(TokenKind.LexError, last.Kind);
        Assert.Equal(message, last.Text);
        Assert.Equal(0, last.Position);
    }

    [Fact]
    public void Tokenize_RecordsOffsets()
    {
        Assert.Equal([2, 7, 12, 14], Lexer.Tokenize("  tcp  port 80").Select(t => t.Position));
    }

    [Fact]
    public void Tokenize_StopsAtTheFirstError()
    {
        var tokens = Lexer.Tokenize("port 1 # port 08");
        Assert.Equal([TokenKind.Keyword, TokenKind.Num, TokenKind.LexError], tokens.Select(t => t.Kind));
        Assert.Equal(7, tokens[^1].Position);
    }

    [Fact]
    public void HidLength_EqualsScannerPatternRegex()
    {
        // scanner.l's {N}\.{N}(\.{N}(\.{N})?)? as the lexer once matched it, hex alternative of N first.
        const string N = "(?:0[xX][0-9A-Fa-f]+|[0-9]+)";
        var pattern = new System.Text.RegularExpressions.Regex(@"\G(?:" + N + @"\." + N + @"(?:\." + N + @"(?:\." + N + ")?)?)");
        var random = new Random(12);
        const string alphabet = "0123456789afxX..z";
        for (var i = 0; i < 20000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(1, 16)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            for (var pos = 0; pos < text.Length; pos++)
            {
                var match = pattern.Match(text, pos);
                Assert.True((match.Success ? match.Length : 0) == Lexer.HidLength(text, pos), $"'{text}' at {pos}");
            }
        }
    }
}
