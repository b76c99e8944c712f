using Bpf.Compiler.Syntax;
using Bpf.Testing;

using Bpf.Vm;

namespace Bpf.Compiler.Tests.Syntax;

/// <summary>What the parser rejects: the kind, the offset and the message of each error.</summary>
public sealed class ParserErrorTests
{
    [Theory]
    [InlineData("tcp port", 8)]
    [InlineData("host (", 6)]
    [InlineData("ip[", 3)]
    [InlineData("tcp[1:", 6)]
    [InlineData("tcp and and", 8)]
    [InlineData("10.0.0.1", 0)]
    [InlineData("a", 0)]
    [InlineData("host a or (b and tcp)", 17)]
    [InlineData("tcp ) port 08", 4)]
    [InlineData("tcp and port 1 # x", 15)]
    [InlineData("host 1.2.3.4 and ((1.2.3.5))", 19)]
    [InlineData("src or 1.2.3.4", 7)]
    [InlineData("less 037777777777", 5)]
    [InlineData("HOST 1.2.3.4", 0)]
    [InlineData("tcp[0] = ", 9)]
    [InlineData("(tcp", 4)]
    [InlineData("tcp)", 3)]
    public void Parse_SyntaxError_HasKindAndOffset(string text, int offset)
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterParser.Parse(text));
        Assert.Equal(FilterErrorKind.Syntax, e.Kind);
        Assert.Equal(offset, e.Position);
        Assert.StartsWith("can't parse filter expression: syntax error", e.Message);
    }

    /// <summary>Errors the scanner and grammar.y.in report themselves, with libpcap's exact message.</summary>
    public static TheoryData<string, FilterErrorKind, int, string> LibpcapMessages => new()
    {
        { "port 08", FilterErrorKind.Syntax, 5, "number 08 contains non-octal digit" },
        { "port 4294967296", FilterErrorKind.ValueOutOfRange, 5, "number 4294967296 overflows 32 bits" },
        { "host ::1.2.3.256", FilterErrorKind.Syntax, 5, "bogus IPv6 address ::1.2.3.256" },
        { "ether host aa:bb:cc:dd:ee:ff:11", FilterErrorKind.Syntax, 11, "bogus ethernet address aa:bb:cc:dd:ee:ff:" },
        { "port 1.2.3.4", FilterErrorKind.InvalidQualifier, 5, "'port' modifier applied to ip host" },
        { "portrange 1.2.3.4", FilterErrorKind.InvalidQualifier, 10, "'portrange' modifier applied to ip host" },
        { "proto 1.2.3.4", FilterErrorKind.InvalidQualifier, 6, "'proto' modifier applied to ip host" },
        { "ip protochain 1.2.3.4", FilterErrorKind.InvalidQualifier, 14, "'protochain' modifier applied to ip host" },
        { "type foo", FilterErrorKind.UnknownName, 5, "unknown 802.11 type name \"foo\"" },
        { "type 3", FilterErrorKind.ValueOutOfRange, 5, "invalid 802.11 type value 0x03" },
        { "type mgt subtype 0x0f", FilterErrorKind.ValueOutOfRange, 17, "invalid 802.11 subtype value 0x0f" },
        { "type mgt subtype ack", FilterErrorKind.UnknownName, 17, "unknown 802.11 subtype name \"ack\"" },
        { "type 0xc subtype beacon", FilterErrorKind.UnknownName, 17, "unknown 802.11 type" },
        { "subtype foo", FilterErrorKind.UnknownName, 8, "unknown 802.11 type name" },
        { "dir foo", FilterErrorKind.UnknownName, 4, "unknown 802.11 direction" },
        { "llc foo", FilterErrorKind.UnknownName, 4, "unknown LLC type name \"foo\"" },
        { "reason foo", FilterErrorKind.UnknownName, 7, "unknown PF reason \"foo\"" },
        { "action foo", FilterErrorKind.UnknownName, 7, "unknown PF action \"foo\"" },
    };

    [Theory]
    [MemberData(nameof(LibpcapMessages))]
    public void Parse_ScannerAndGrammarChecks_ReportLibpcapsMessage(string text, FilterErrorKind kind, int offset, string message)
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterParser.Parse(text));
        Assert.Equal((kind, offset, message), (e.Kind, e.Position, e.Message));
    }

    [LibpcapTheory]
    [MemberData(nameof(LibpcapMessages))]
    public void Libpcap_ReportsTheSameMessage(string text, FilterErrorKind kind, int offset, string message)
    {
        _ = (kind, offset);
        Assert.Null(Libpcap.Compile(LinkType.EN10MB, 262144, text, false, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => FilterParser.Parse(null!));
    }

    [Fact]
    public void Parse_SyntaxError_SaysWhatWasExpected()
    {
        var e = Assert.Throws<FilterCompileException>(() => FilterParser.Parse("tcp port"));
        Assert.Contains("expected", e.Message);
        Assert.Contains("end of expression", e.Message);
    }
}
